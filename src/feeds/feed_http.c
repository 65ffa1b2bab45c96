/*
 * feed_http: see feed_http.h.
 *
 * Threads: the worker owns the multi handle, the easy handles and every
 * field of struct fsrc.  The mailbox (`pending`, `first_done`, `stats`)
 * is shared and protected by `lock`, a leaf lock never held across I/O or
 * callbacks.  `quit` is atomic; destroy sets it and wakes the worker with
 * curl_multi_wakeup.
 */
#define LOG_MODULE "feed"
#include "feeds/feed_http.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_file.h"

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_CAP_MS (5 * 60 * 1000)
#define MAX_REDIRECTS 5
/* World Bank answers in pages: at most this many are fetched and merged. */
#define WB_MAX_PAGES 50
/* Engine generations start high so they never equal the small generations
 * of the placeholder snapshots source_set made before the first fetch. */
#define GENERATION_BASE (1ull << 40)

struct fsrc {
    size_t index; /* in the layout's sources */
    char *name, *url, *as_of, *ca_file, *cert, *key;
    int64_t every_ms, timeout_ms;
    struct curl_slist *headers;
    CURL *easy;
    bool busy;
    int64_t next_due;   /* monotonic ms */
    int failures;
    char *body;
    size_t len, cap;
    bool too_big;
    /* The bytes of the last payload that parsed: an answer with the same
     * bytes (a server without validators, Cache-Control: no-store) is a
     * re-confirmation like a 304, not new data.  Compared whole, not by
     * a hash: a collision would show an old number as current. */
    char *same;
    size_t same_len;
    char etag[256];
    char last_modified[128];
    char content_type[128];
    char errbuf[CURL_ERROR_SIZE];
    struct snapshot *last;  /* last published; the worker's reference */
    /* World Bank paging: pages 2..n are fetched right after page 1 and
     * their rows merged before the adapter runs once on the whole. */
    bool worldbank;
    int page, pages;        /* page in flight (1-based), pages announced */
    cJSON *acc;             /* [meta, rows] gathered so far, or NULL */
    size_t acc_bytes;
    int logged_state;       /* -1 until first logged */
    long http_version;      /* CURL_HTTP_VERSION_* of the last answer */
    bool first_done;
};

struct feed_engine {
    const struct layout *layout;
    int64_t offset_ms;
    feed_wake_fn wake;
    void *wake_ctx;
    CURLM *multi;
    pthread_t thread;
    bool started;
    _Atomic bool quit;
    struct fsrc *srcs;
    size_t nsrcs;
    uint64_t generation;
    uint64_t rng;

    pthread_mutex_t lock;          /* protects the fields below */
    pthread_cond_t first_cond;
    struct snapshot **pending;     /* per layout source, latest wins */
    size_t nfirst;                 /* sources done with a first attempt */
    struct feed_stats stats;
};

static int64_t
wall_now(const struct feed_engine *e)
{
    return time_now_ms() + e->offset_ms;
}

/* xorshift64: jitter only, no security meaning. */
static double
jitter(struct feed_engine *e, double spread)
{
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    double u = (double)(e->rng >> 11) / (double)(1ull << 53);
    return 1.0 + spread * (2 * u - 1);
}

/* A secret file's contents without trailing newlines, or NULL. */
static char *
read_secret(const struct layout *l, const char *path)
{
    char *full = layout_resolve_path(l, path);
    char *v = file_read_all(full, 16384, NULL);
    free(full);
    if (v) {
        size_t n = strlen(v);
        while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == '\r')) {
            v[--n] = '\0';
        }
    }
    return v;
}

static void
append(char **out, size_t *len, size_t *cap, const char *piece, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *out = xrealloc(*out, *cap);
    }
    memcpy(*out + *len, piece, n);
    *len += n;
}

/* Expands ${NAME} from the environment and ${file:PATH} from a file
 * (relative to the layout).  Values are secrets: never log them. */
static char *
expand_env(const struct layout *l, const char *s)
{
    size_t cap = strlen(s) + 64, len = 0;
    char *out = xmalloc(cap);
    for (const char *p = s; *p;) {
        const char *end = strncmp(p, "${", 2) == 0 ? strchr(p + 2, '}') : NULL;
        char name[128];
        if (!end || (size_t)(end - p - 2) >= sizeof(name)) {
            append(&out, &len, &cap, p++, 1);
            continue;
        }
        memcpy(name, p + 2, (size_t)(end - p - 2));
        name[end - p - 2] = '\0';
        char *secret = strncmp(name, "file:", 5) == 0
                           ? read_secret(l, name + 5)
                           : NULL;
        const char *piece = secret ? secret
                            : strncmp(name, "file:", 5) == 0 ? NULL
                                                              : getenv(name);
        piece = piece ? piece : "";
        append(&out, &len, &cap, piece, strlen(piece));
        free(secret);
        p = end + 1;
    }
    out[len] = '\0';
    return out;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct fsrc *s = userp;
    size_t n = size * nmemb;
    if (s->len + n > SOURCE_MAX_BODY) {
        s->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (s->len + n + 1 > s->cap) {
        size_t want = (s->len + n + 1) * 2;
        s->cap = want > SOURCE_MAX_BODY + 1 ? SOURCE_MAX_BODY + 1 : want;
        s->body = xrealloc(s->body, s->cap);
    }
    memcpy(s->body + s->len, data, n);
    s->len += n;
    s->body[s->len] = '\0';
    return n;
}

static void
copy_header_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) {
        n--;
    }
    if (n >= cap) {
        n = 0; /* absurd header: ignore rather than truncate */
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct fsrc *s = userp;
    size_t n = size * nmemb;
    static const struct {
        const char *name;
        size_t off, cap;
    } keep[] = {
        {"etag:", offsetof(struct fsrc, etag), sizeof(((struct fsrc *)0)->etag)},
        {"last-modified:", offsetof(struct fsrc, last_modified),
         sizeof(((struct fsrc *)0)->last_modified)},
        {"content-type:", offsetof(struct fsrc, content_type),
         sizeof(((struct fsrc *)0)->content_type)},
    };
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        size_t kl = strlen(keep[i].name);
        if (n > kl && strncasecmp(data, keep[i].name, kl) == 0) {
            copy_header_value((char *)s + keep[i].off, keep[i].cap, data + kl,
                              n - kl);
        }
    }
    return n;
}

static void
publish(struct feed_engine *e, struct fsrc *s, struct snapshot *snap)
{
    snapshot_unref(s->last);
    s->last = snapshot_ref(snap);
    pthread_mutex_lock(&e->lock);
    snapshot_unref(e->pending[s->index]);
    e->pending[s->index] = snap;
    if (!s->first_done) {
        s->first_done = true;
        e->nfirst++;
        pthread_cond_broadcast(&e->first_cond);
    }
    pthread_mutex_unlock(&e->lock);
    if (e->wake) {
        e->wake(e->wake_ctx);
    }
}

/* Logs state changes once, not every retry. */
static void
log_state(struct feed_engine *e, struct fsrc *s)
{
    const struct layout_source *src = &e->layout->sources[s->index];
    enum source_state st = snapshot_state(s->last, src, wall_now(e));
    if ((int)st == s->logged_state) {
        return;
    }
    const char *from = s->logged_state < 0
                           ? "start"
                           : snapshot_state_name((enum source_state)
                                                     s->logged_state);
    if (st == SOURCE_STATE_ERROR) {
        LOG_WARN("source \"%s\": %s -> error: %s", s->name, from,
                 s->last && s->last->error ? s->last->error : "?");
    } else {
        const char *proto = s->http_version == CURL_HTTP_VERSION_2_0 ? "HTTP/2"
                            : s->http_version == CURL_HTTP_VERSION_3 ? "HTTP/3"
                                                                     : "HTTP/1.1";
        LOG_INFO("source \"%s\": %s -> %s (%s)", s->name, from,
                 snapshot_state_name(st), proto);
    }
    s->logged_state = (int)st;
}

/* The URL of page n of a World Bank query (page 1 is the URL as given). */
static void
set_page_url(struct fsrc *s, int n)
{
    if (n <= 1) {
        curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
        return;
    }
    char *u = xasprintf("%s%cpage=%d", s->url, strchr(s->url, '?') ? '&' : '?',
                        n);
    curl_easy_setopt(s->easy, CURLOPT_URL, u); /* libcurl copies it */
    free(u);
}

static void
reset_paging(struct fsrc *s)
{
    cJSON_Delete(s->acc);
    s->acc = NULL;
    s->acc_bytes = 0;
    s->page = 1;
    s->pages = 0;
    set_page_url(s, 1);
}

/* Pages announced by a World Bank answer [meta, rows] (0: not one). */
static int
wb_pages(const cJSON *doc)
{
    const cJSON *meta = cJSON_GetArrayItem(doc, 0);
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(meta, "pages");
    if (!cJSON_IsArray(doc) || !cJSON_IsNumber(pages) ||
        !cJSON_IsArray(cJSON_GetArrayItem(doc, 1)) ||
        !(pages->valuedouble >= 1) || pages->valuedouble > 1e6) {
        return 0;
    }
    return (int)pages->valuedouble;
}

/*
 * Takes one page of a multi-page World Bank answer.  Returns the merged
 * document once the last page is in (meta.pages rewritten to 1), NULL
 * while pages are outstanding (the next one is already requested) or on
 * error (why is set).
 */
static cJSON *
wb_take_page(struct fsrc *s, cJSON *doc, int pages,
             char *why, size_t whylen, bool *more)
{
    *more = false;
    s->acc_bytes += s->len;
    if (pages > WB_MAX_PAGES || s->acc_bytes > SOURCE_MAX_BODY ||
        (s->page > 1 && pages != s->pages)) {
        snprintf(why, whylen, pages > WB_MAX_PAGES
                                  ? "World Bank: more than 50 pages"
                              : s->acc_bytes > SOURCE_MAX_BODY
                                  ? "World Bank: pages larger than 8 MiB in all"
                                  : "World Bank: page count changed while "
                                    "paging");
        cJSON_Delete(doc);
        reset_paging(s);
        return NULL;
    }
    if (s->page == 1) {
        s->acc = doc;
        s->pages = pages;
    } else {
        cJSON *rows = cJSON_GetArrayItem(s->acc, 1);
        cJSON *more_rows = cJSON_GetArrayItem(doc, 1);
        while (more_rows->child) {
            cJSON_AddItemToArray(rows, cJSON_DetachItemViaPointer(
                                           more_rows, more_rows->child));
        }
        cJSON_Delete(doc);
    }
    if (s->page < s->pages) {
        s->page++;
        set_page_url(s, s->page);
        *more = true;
        return NULL;
    }
    cJSON *merged = s->acc;
    s->acc = NULL;
    cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(merged, 0),
                                           "pages", cJSON_CreateNumber(1));
    reset_paging(s);
    return merged;
}

static void
start_transfer(struct feed_engine *e, struct fsrc *s)
{
    CURL *c = s->easy;
    s->len = 0;
    s->too_big = false;
    s->errbuf[0] = '\0';
    s->content_type[0] = '\0';
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    struct curl_slist *h = NULL;
    for (struct curl_slist *it = s->headers; it; it = it->next) {
        h = curl_slist_append(h, it->data);
    }
    char cond[400];
    if (s->page > 1 || s->acc) {
        /* Later pages are fetched whole. */
    } else if (s->etag[0] && s->last && s->last->root) {
        snprintf(cond, sizeof(cond), "If-None-Match: %s", s->etag);
        h = curl_slist_append(h, cond);
    } else if (s->last_modified[0] && s->last && s->last->root) {
        snprintf(cond, sizeof(cond), "If-Modified-Since: %s",
                 s->last_modified);
        h = curl_slist_append(h, cond);
    }
    /* The list must live until the transfer ends: keep it in private. */
    curl_easy_setopt(c, CURLOPT_PRIVATE, h);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_multi_add_handle(e->multi, c);
    s->busy = true;
}

static struct fsrc *
find_src(struct feed_engine *e, CURL *c)
{
    for (size_t i = 0; i < e->nsrcs; i++) {
        if (e->srcs[i].easy == c) {
            return &e->srcs[i];
        }
    }
    return NULL;
}

static void
finish_transfer(struct feed_engine *e, CURL *c, CURLcode rc)
{
    struct fsrc *s = find_src(e, c);
    struct curl_slist *h = NULL;
    curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&h);
    curl_multi_remove_handle(e->multi, c);
    curl_slist_free_all(h);
    if (!s) {
        return;
    }
    s->busy = false;
    const struct layout_source *src = &e->layout->sources[s->index];
    int64_t now = wall_now(e);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &s->http_version);
    char why[CURL_ERROR_SIZE + 64] = "";
    struct snapshot *snap = NULL;
    bool parsed = false, not_modified = false, unchanged = false;

    if (rc != CURLE_OK) {
        if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
            snprintf(why, sizeof(why), "response larger than 8 MiB");
        } else {
            snprintf(why, sizeof(why), "%s", s->errbuf[0]
                                                 ? s->errbuf
                                                 : curl_easy_strerror(rc));
        }
    } else if (status == 304 && s->last && s->last->root) {
        /* Unchanged: confirmed current, nothing to parse, and the same
         * generation, so bound widgets do not repaint (their stamps still
         * see state and age changes). */
        int64_t as_of = src->as_of_pointer ? s->last->as_of_ms : now;
        snap = snapshot_derive(s->last, s->last->generation, now, as_of, now,
                               NULL);
        not_modified = true;
    } else if (status == 200 && !s->worldbank && s->last && s->last->root &&
               !s->last->error && s->same && s->same_len == s->len &&
               memcmp(s->same, s->body ? s->body : "", s->len) == 0) {
        /* The same bytes again: confirmed current, as a 304 would. */
        int64_t as_of = src->as_of_pointer ? s->last->as_of_ms : now;
        snap = snapshot_derive(s->last, s->last->generation, now, as_of, now,
                               NULL);
        unchanged = true;
    } else if (status != 200) {
        snprintf(why, sizeof(why), "HTTP %ld", status);
    } else if (s->content_type[0] && strstr(s->content_type, "json") == NULL &&
               strncasecmp(s->content_type, "text/plain", 10) != 0) {
        snprintf(why, sizeof(why), "unexpected content type %.80s",
                 s->content_type);
    } else if (s->worldbank && s->len <= SOURCE_MAX_BODY) {
        cJSON *doc = cJSON_ParseWithLength(s->body ? s->body : "", s->len);
        int pages = doc ? wb_pages(doc) : 0;
        if (pages > 1 || s->page > 1) {
            bool more;
            doc = wb_take_page(s, doc, pages, why, sizeof(why), &more);
            /* Paged answers are not cached: their ETag is page 1's. */
            s->etag[0] = s->last_modified[0] = '\0';
            if (more) {
                start_transfer(e, s); /* the next page, at once */
                return;
            }
        }
        if (doc) {
            snap = source_adapt_tree(src, doc, ++e->generation, now,
                                     e->layout->utc_offset_min);
        } else if (!why[0]) {
            snap = snapshot_create(NULL, ++e->generation, 0, 0, now,
                                   "payload is not valid JSON");
        }
        parsed = true;
        if (snap && snap->error) {
            snprintf(why, sizeof(why), "%s", snap->error);
            snapshot_unref(snap);
            snap = NULL;
            s->etag[0] = s->last_modified[0] = '\0';
        }
    } else {
        snap = source_parse_payload(src, s->body ? s->body : "", s->len,
                                    ++e->generation, now,
                                    e->layout->utc_offset_min);
        parsed = true;
        free(s->same);
        s->same = NULL;
        s->same_len = 0;
        if (!snap->error) {
            s->same = xmalloc(s->len + 1);
            memcpy(s->same, s->body ? s->body : "", s->len);
            s->same_len = s->len;
        } else {
            snprintf(why, sizeof(why), "%s", snap->error);
            snapshot_unref(snap);
            snap = NULL;
            s->etag[0] = s->last_modified[0] = '\0';
        }
    }
    if (!snap) {
        if (s->acc || s->page > 1) {
            reset_paging(s); /* a failed page restarts the sequence */
        }
        /* Keep the last good data, marked with the error. */
        snap = s->last ? snapshot_derive(s->last, ++e->generation,
                                         s->last->fetched_ms,
                                         s->last->as_of_ms, now, why)
                       : snapshot_create(NULL, ++e->generation, 0, 0, now,
                                         why);
        s->failures++;
        int shift = s->failures - 1 < 16 ? s->failures - 1 : 16;
        int64_t delay = (int64_t)BACKOFF_FIRST_MS << shift;
        int64_t cap = BACKOFF_CAP_MS > s->every_ms ? BACKOFF_CAP_MS
                                                   : s->every_ms;
        delay = delay < cap ? delay : cap;
        s->next_due = time_mono_ms() + (int64_t)(delay * jitter(e, 0.2));
    } else {
        s->failures = 0;
        s->next_due = time_mono_ms() + (int64_t)(s->every_ms *
                                                 jitter(e, 0.05));
    }
    pthread_mutex_lock(&e->lock);
    e->stats.requests++;
    e->stats.not_modified += not_modified;
    e->stats.unchanged += unchanged;
    e->stats.parsed += parsed;
    e->stats.failures += snap->error != NULL;
    pthread_mutex_unlock(&e->lock);
    publish(e, s, snap);
    log_state(e, s);
}

static void *
worker(void *arg)
{
    struct feed_engine *e = arg;
    while (!atomic_load(&e->quit)) {
        int64_t now = time_mono_ms();
        for (size_t i = 0; i < e->nsrcs; i++) {
            struct fsrc *s = &e->srcs[i];
            if (!s->busy && s->next_due <= now) {
                start_transfer(e, s);
            }
        }
        int running = 0;
        curl_multi_perform(e->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(e->multi, &left))) {
            if (msg->msg == CURLMSG_DONE) {
                finish_transfer(e, msg->easy_handle, msg->data.result);
            }
        }
        /* The next deadline after the transfers just finished have been
         * rescheduled (taken before, a lone source finishing here would
         * wait out the whole second below instead of its own interval). */
        int64_t next = time_mono_ms() + 1000;
        for (size_t i = 0; i < e->nsrcs; i++) {
            const struct fsrc *s = &e->srcs[i];
            if (!s->busy && s->next_due < next) {
                next = s->next_due;
            }
        }
        int64_t wait = next - time_mono_ms();
        wait = wait < 0 ? 0 : wait > 1000 ? 1000 : wait;
        curl_multi_poll(e->multi, NULL, 0, (int)wait, NULL);
    }
    return NULL;
}

static void
setup_easy(struct fsrc *s)
{
    CURL *c = curl_easy_init();
    s->easy = c;
    if (!c) {
        return;
    }
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(s->timeout_ms < 10000 ? s->timeout_ms : 10000));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)SOURCE_MAX_BODY);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "opswall/" OPSWALL_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (s->ca_file) {
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    }
    if (s->cert) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, s->cert);
    }
    if (s->key) {
        curl_easy_setopt(c, CURLOPT_SSLKEY, s->key);
    }
}

static char *
opt_path(const struct layout *l, const char *path)
{
    return path ? layout_resolve_path(l, path) : NULL;
}

struct feed_engine *
feed_engine_create(const struct layout *layout, int64_t clock_offset_ms,
                   feed_wake_fn wake, void *ctx)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        LOG_ERR("libcurl failed to initialise");
        return NULL;
    }
    struct feed_engine *e = xcalloc(1, sizeof(*e));
    e->layout = layout;
    e->offset_ms = clock_offset_ms;
    e->wake = wake;
    e->wake_ctx = ctx;
    e->generation = GENERATION_BASE;
    e->rng = 0x9E3779B97F4A7C15ull ^ (uint64_t)time_now_ms();
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->first_cond, NULL);
    e->pending = xcalloc(layout->nsources ? layout->nsources : 1,
                         sizeof(*e->pending));
    e->srcs = xcalloc(layout->nsources ? layout->nsources : 1,
                      sizeof(*e->srcs));
    for (size_t i = 0; i < layout->nsources; i++) {
        const struct layout_source *src = &layout->sources[i];
        if (strncmp(src->url, "http://", 7) != 0 &&
            strncmp(src->url, "https://", 8) != 0) {
            continue;
        }
        struct fsrc *s = &e->srcs[e->nsrcs++];
        s->index = i;
        s->name = xstrdup(src->name);
        s->url = xstrdup(src->url);
        s->every_ms = src->every_ms;
        s->timeout_ms = src->timeout_ms;
        s->ca_file = opt_path(layout, src->ca_file);
        s->cert = opt_path(layout, src->client_cert);
        s->key = opt_path(layout, src->client_key);
        s->logged_state = -1;
        s->worldbank = src->format && strcmp(src->format, "worldbank") == 0;
        s->page = 1;
        for (const cJSON *h = src->headers ? src->headers->child : NULL; h;
             h = h->next) {
            char *v = expand_env(layout, h->valuestring);
            char *line = xasprintf("%s: %s", h->string, v);
            s->headers = curl_slist_append(s->headers, line);
            free(line);
            free(v);
        }
        setup_easy(s);
    }
    e->multi = curl_multi_init();
    if (!e->multi) {
        LOG_ERR("libcurl: no multi handle");
        feed_engine_destroy(e);
        return NULL;
    }
    if (e->nsrcs > 0) {
        if (pthread_create(&e->thread, NULL, worker, e) != 0) {
            LOG_ERR("cannot start the feed thread");
            feed_engine_destroy(e);
            return NULL;
        }
        e->started = true;
    }
    return e;
}

void
feed_engine_destroy(struct feed_engine *e)
{
    if (!e) {
        return;
    }
    atomic_store(&e->quit, true);
    if (e->started) {
        curl_multi_wakeup(e->multi);
        pthread_join(e->thread, NULL);
    }
    for (size_t i = 0; i < e->nsrcs; i++) {
        struct fsrc *s = &e->srcs[i];
        if (s->easy) {
            if (s->busy) {
                struct curl_slist *h = NULL;
                curl_easy_getinfo(s->easy, CURLINFO_PRIVATE, (char **)&h);
                curl_multi_remove_handle(e->multi, s->easy);
                curl_slist_free_all(h);
            }
            curl_easy_cleanup(s->easy);
        }
        curl_slist_free_all(s->headers);
        snapshot_unref(s->last);
        cJSON_Delete(s->acc);
        free(s->body);
        free(s->same);
        free(s->name);
        free(s->url);
        free(s->ca_file);
        free(s->cert);
        free(s->key);
    }
    for (size_t i = 0; i < e->layout->nsources; i++) {
        snapshot_unref(e->pending[i]);
    }
    if (e->multi) {
        curl_multi_cleanup(e->multi);
    }
    pthread_cond_destroy(&e->first_cond);
    pthread_mutex_destroy(&e->lock);
    free(e->pending);
    free(e->srcs);
    free(e);
    curl_global_cleanup();
}

size_t
feed_engine_collect(struct feed_engine *e, struct source_set *set)
{
    size_t n = 0;
    struct snapshot *taken[256];
    size_t idx[256];
    pthread_mutex_lock(&e->lock);
    for (size_t i = 0; i < e->layout->nsources && n < 256; i++) {
        if (e->pending[i]) {
            taken[n] = e->pending[i];
            idx[n++] = i;
            e->pending[i] = NULL;
        }
    }
    pthread_mutex_unlock(&e->lock);
    for (size_t k = 0; k < n; k++) {
        source_set_publish(set, idx[k], taken[k]);
    }
    return n;
}

bool
feed_engine_wait_first(struct feed_engine *e, int64_t timeout_ms)
{
    int64_t deadline = time_now_ms() + timeout_ms;
    pthread_mutex_lock(&e->lock);
    while (e->nfirst < e->nsrcs) {
        int64_t left = deadline - time_now_ms();
        if (left <= 0) {
            break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&e->first_cond, &e->lock, &ts);
    }
    bool all = e->nfirst >= e->nsrcs;
    pthread_mutex_unlock(&e->lock);
    return all;
}

struct feed_stats
feed_engine_stats(struct feed_engine *e)
{
    pthread_mutex_lock(&e->lock);
    struct feed_stats st = e->stats;
    pthread_mutex_unlock(&e->lock);
    return st;
}
