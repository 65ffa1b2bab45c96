/*
 * feedsim: demo indicator server.  Values are a deterministic function of
 * the (offset) clock: they drift minute by minute (or by a shorter step,
 * for soak runs), so a wall polling it sees real changes, and a test pinning the clock sees fixed data.
 */
#define LOG_MODULE "feedsim"
#include "feedsim/feedsim.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <zlib.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

#define MAX_FAULTS 32

enum fault {
    FAULT_NONE,
    FAULT_DELAY,
    FAULT_404,
    FAULT_500,
    FAULT_TRUNCATED,
    FAULT_INVALID,
    FAULT_HUGE,
    FAULT_DRIP,
    FAULT_RESET,
    FAULT_CTYPE,
    FAULT_FLAP,
    FAULT_NOSTORE, /* healthy, but no validators: no ETag, no-store */
};

struct fault_slot {
    char path[64];
    enum fault fault;
    int delay_ms;
    unsigned long count; /* requests seen, for flapping */
};

struct feedsim {
    struct MHD_Daemon *daemon;
    int port;
    int64_t offset_ms;
    pthread_mutex_t lock;             /* protects faults, requests, step */
    int64_t step_ms;                  /* the data's step: 1 min, or less */
    struct fault_slot faults[MAX_FAULTS];
    int nfaults;
    unsigned long requests;
    unsigned long gzipped;            /* responses sent compressed */
};

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ---- data ------------------------------------------------------------ */

/* A smooth, repeatable wiggle in [-1, 1] for a series id and a minute. */
static double
wiggle(int id, int64_t minute)
{
    double t = (double)minute;
    return 0.6 * sin(t / 37.0 + id * 1.7) + 0.4 * sin(t / 11.0 + id * 0.3);
}

static void
add_indicator(cJSON *o, const char *key, const char *period, double value,
              double previous, int decimals)
{
    double scale = pow(10, decimals);
    cJSON *it = cJSON_AddObjectToObject(o, key);
    cJSON_AddStringToObject(it, "period", period);
    cJSON_AddNumberToObject(it, "value", round(value * scale) / scale);
    cJSON_AddNumberToObject(it, "previous", round(previous * scale) / scale);
}

/* "updated" is the wall-clock minute; "step" the data's step number, so
 * that with a short --step every step's answer differs (rounded values
 * alone often repeat from one 100 ms step to the next). */
static void
add_updated(cJSON *o, int64_t now_ms, int64_t m)
{
    cJSON_AddNumberToObject(o, "step", (double)m);
    struct civil_time ct;
    time_to_civil(now_ms - now_ms % 60000, 420, &ct);
    char buf[40];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:00+07:00", ct.year,
             ct.month, ct.day, ct.hour, ct.minute);
    cJSON_AddStringToObject(o, "updated", buf);
}

static cJSON *
national(int64_t now_ms, int64_t m)
{
    cJSON *o = cJSON_CreateObject();
    add_updated(o, now_ms, m);
    add_indicator(o, "gdp_growth", "Quý III/2026", 7.85 + 0.02 * wiggle(1, m),
                  7.52, 2);
    add_indicator(o, "cpi", "Tháng 10/2026", 3.21 + 0.03 * wiggle(2, m), 3.27,
                  2);
    add_indicator(o, "exports", "10 tháng/2026", 398.6 + 0.4 * wiggle(3, m),
                  355.4, 1);
    add_indicator(o, "fdi_disbursed", "10 tháng/2026",
                  21.3 + 0.05 * wiggle(4, m), 19.6, 1);
    add_indicator(o, "budget_revenue", "10 tháng/2026",
                  1787.4 + 2.0 * wiggle(5, m), 1652.1, 1);
    add_indicator(o, "public_investment", "đến hôm nay",
                  58.7 + 0.1 * wiggle(6, m), 51.4, 1);
    cJSON *h = cJSON_AddArrayToObject(o, "headlines");
    static const char *const lines[] = {
        "Thủ tướng Chính phủ chủ trì Phiên họp Chính phủ thường kỳ",
        "Cổng Dịch vụ công quốc gia tiếp nhận hồ sơ trực tuyến tăng so với "
        "hôm qua",
        "Giải ngân vốn đầu tư công cao hơn cùng kỳ năm trước",
        "Dữ liệu minh họa từ opswall-feedsim, không phải số liệu chính thức",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        cJSON_AddItemToArray(h, cJSON_CreateString(lines[i]));
    }
    return o;
}

static cJSON *
services(int64_t now_ms, int64_t m)
{
    struct civil_time ct;
    time_to_civil(now_ms, 420, &ct);
    double day = (ct.hour * 60 + ct.minute) / 1440.0;
    cJSON *o = cJSON_CreateObject();
    add_updated(o, now_ms, m);
    /* Running totals of the day compare with the same hour yesterday,
     * not with yesterday's whole day. */
    add_indicator(o, "dossiers_online_today", "Hôm nay",
                  floor(120000 * day), floor(115800 * day), 0);
    add_indicator(o, "dossiers_synced_today", "Hôm nay",
                  floor(118500 * day), floor(114100 * day), 0);
    add_indicator(o, "on_time_rate", "Tháng này", 95.8 + 0.2 * wiggle(7, m),
                  95.6, 1);
    add_indicator(o, "portal_visits", "Hôm nay", floor(3900000 * day),
                  floor(3985000 * day), 0);
    add_indicator(o, "accounts", "Lũy kế", 21350000 + m % 100000, 21100000,
                  0);
    add_indicator(o, "tasks_assigned", "Năm 2026", 1245 + (m / 240) % 20,
                  1198, 0);
    add_indicator(o, "tasks_on_time", "Năm 2026", 86.4 + 0.3 * wiggle(8, m),
                  84.9, 1);
    add_indicator(o, "tasks_overdue", "Hôm nay", 37 + (int)(3 * wiggle(9, m)),
                  42, 0);
    cJSON *h = cJSON_AddArrayToObject(o, "headlines");
    static const char *const lines[] = {
        "Thủ tướng Chính phủ chủ trì Phiên họp Chính phủ thường kỳ",
        "Cổng Dịch vụ công quốc gia tiếp nhận hồ sơ trực tuyến liên tục "
        "trong ngày",
        "Các bộ, ngành cập nhật tiến độ nhiệm vụ Chính phủ giao",
        "Dữ liệu minh họa từ opswall-feedsim, không phải số liệu chính thức",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        cJSON_AddItemToArray(h, cJSON_CreateString(lines[i]));
    }
    return o;
}

static cJSON *
provinces(int64_t now_ms, int64_t m)
{
    cJSON *o = cJSON_CreateObject();
    add_updated(o, now_ms, m);
    cJSON_AddStringToObject(o, "period", "Tháng 10/2026");
    cJSON *arr = cJSON_AddArrayToObject(o, "provinces");
    for (int i = 0; i < FEEDSIM_NPROVINCES; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "code", feedsim_provinces[i].code);
        cJSON_AddStringToObject(p, "name", feedsim_provinces[i].name);
        double base = 40 + fmod(i * 37.0, 45.0);
        cJSON_AddNumberToObject(p, "disbursement",
                                round((base + 2 * wiggle(i, m)) * 10) / 10);
        cJSON_AddNumberToObject(p, "on_time",
                                round((90 + fmod(i * 7.0, 9.5)) * 10) / 10);
        /* Every seventh province has not reported: a real gap, not 0. */
        if (i % 7 == 3) {
            cJSON_AddNullToObject(p, "iip");
        } else {
            cJSON_AddNumberToObject(p, "iip", round((5 + fmod(i * 3.3, 8.0) +
                                                     wiggle(i + 9, m)) * 10) /
                                                  10);
        }
        /* The province's bridge point in the conference system: most
         * online, a few connecting or offline, changing by the minute. */
        int64_t b = (i * 7 + m) % 29;
        cJSON_AddStringToObject(p, "bridge", b == 0   ? "offline"
                                             : b == 1 ? "connecting"
                                                      : "online");
        cJSON_AddItemToArray(arr, p);
    }
    return o;
}

static cJSON *
tasks(int64_t now_ms, int64_t m)
{
    static const char *const ministries[] = {
        "Bộ Tài chính", "Bộ Công Thương", "Bộ Xây dựng",
        "Bộ Nông nghiệp và Môi trường", "Bộ Y tế", "Bộ Giáo dục và Đào tạo",
        "Bộ Nội vụ", "Bộ Khoa học và Công nghệ"};
    cJSON *o = cJSON_CreateObject();
    add_updated(o, now_ms, m);
    cJSON *arr = cJSON_AddArrayToObject(o, "ministries");
    for (int i = 0; i < 8; i++) {
        cJSON *t = cJSON_CreateObject();
        int assigned = 120 + i * 17;
        int done = (int)(assigned * (0.7 + 0.02 * i)) + (int)(m % 3);
        cJSON_AddStringToObject(t, "ministry", ministries[i]);
        cJSON_AddNumberToObject(t, "assigned", assigned);
        cJSON_AddNumberToObject(t, "done", done);
        cJSON_AddNumberToObject(t, "overdue", (i * 5) % 11);
        cJSON_AddItemToArray(arr, t);
    }
    return o;
}

/* World Bank API v2 shape, paged like the real one: 10 countries x 10
 * years (2015-2024), newest year first, 2024 not yet published (null). */
static char *
worldbank_page(int page, int per_page)
{
    static const char *const iso[] = {"VNM", "THA", "IDN", "MYS", "PHL",
                                      "SGP", "KHM", "LAO", "MMR", "BRN"};
    static const char *const names[] = {
        "Viet Nam", "Thailand", "Indonesia", "Malaysia", "Philippines",
        "Singapore", "Cambodia", "Lao PDR", "Myanmar", "Brunei Darussalam"};
    const int total = 100;
    if (per_page < 1) {
        per_page = 50;
    }
    int pages = (total + per_page - 1) / per_page;
    cJSON *doc = cJSON_CreateArray();
    cJSON *meta = cJSON_CreateObject();
    cJSON_AddNumberToObject(meta, "page", page);
    cJSON_AddNumberToObject(meta, "pages", pages);
    cJSON_AddNumberToObject(meta, "per_page", per_page);
    cJSON_AddNumberToObject(meta, "total", total);
    cJSON_AddStringToObject(meta, "sourceid", "2");
    cJSON_AddStringToObject(meta, "lastupdated", "2025-07-01");
    cJSON_AddItemToArray(doc, meta);
    cJSON *rows = cJSON_CreateArray();
    for (int i = (page - 1) * per_page; i < total && i < page * per_page;
         i++) {
        int c = i / 10, year = 2024 - i % 10;
        cJSON *r = cJSON_CreateObject();
        cJSON *ind = cJSON_AddObjectToObject(r, "indicator");
        cJSON_AddStringToObject(ind, "id", "NY.GDP.MKTP.KD.ZG");
        cJSON_AddStringToObject(ind, "value", "GDP growth (annual %)");
        cJSON *ctry = cJSON_AddObjectToObject(r, "country");
        cJSON_AddStringToObject(ctry, "id", iso[c]);
        cJSON_AddStringToObject(ctry, "value", names[c]);
        cJSON_AddStringToObject(r, "countryiso3code", iso[c]);
        char y[8];
        snprintf(y, sizeof(y), "%d", year);
        cJSON_AddStringToObject(r, "date", y);
        if (year == 2024) {
            cJSON_AddNullToObject(r, "value");
        } else {
            cJSON_AddNumberToObject(r, "value",
                                    round((3 + c * 0.4 + wiggle(c, year)) *
                                          100) / 100);
        }
        cJSON_AddStringToObject(r, "unit", "");
        cJSON_AddStringToObject(r, "obs_status", "");
        cJSON_AddNumberToObject(r, "decimal", 1);
        cJSON_AddItemToArray(rows, r);
    }
    cJSON_AddItemToArray(doc, rows);
    char *s = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return s;
}

/* ---- faults ---------------------------------------------------------- */

static bool
parse_fault(const char *mode, enum fault *f, int *delay)
{
    static const struct {
        const char *name;
        enum fault f;
    } names[] = {{"ok", FAULT_NONE},          {"404", FAULT_404},
                 {"500", FAULT_500},          {"truncated", FAULT_TRUNCATED},
                 {"invalid", FAULT_INVALID},  {"huge", FAULT_HUGE},
                 {"drip", FAULT_DRIP},        {"reset", FAULT_RESET},
                 {"ctype", FAULT_CTYPE},      {"flap", FAULT_FLAP},
                 {"nostore", FAULT_NOSTORE}};
    if (strncmp(mode, "delay:", 6) == 0) {
        char *end;
        long ms = strtol(mode + 6, &end, 10);
        if (*end || ms < 0 || ms > 600000) {
            return false;
        }
        *f = FAULT_DELAY;
        *delay = (int)ms;
        return true;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(mode, names[i].name) == 0) {
            *f = names[i].f;
            *delay = 0;
            return true;
        }
    }
    return false;
}

bool
feedsim_set_fault(struct feedsim *sim, const char *path, const char *mode)
{
    enum fault f;
    int delay;
    if (!parse_fault(mode, &f, &delay) || strlen(path) >= 64) {
        return false;
    }
    pthread_mutex_lock(&sim->lock);
    int slot = -1;
    for (int i = 0; i < sim->nfaults; i++) {
        if (strcmp(sim->faults[i].path, path) == 0) {
            slot = i;
        }
    }
    if (slot < 0 && sim->nfaults < MAX_FAULTS) {
        slot = sim->nfaults++;
        snprintf(sim->faults[slot].path, sizeof(sim->faults[slot].path), "%s",
                 path);
    }
    if (slot >= 0) {
        sim->faults[slot].fault = f;
        sim->faults[slot].delay_ms = delay;
        sim->faults[slot].count = 0;
    }
    pthread_mutex_unlock(&sim->lock);
    return slot >= 0;
}

static enum fault
take_fault(struct feedsim *sim, const char *path, int *delay)
{
    enum fault f = FAULT_NONE;
    pthread_mutex_lock(&sim->lock);
    sim->requests++;
    for (int i = 0; i < sim->nfaults; i++) {
        struct fault_slot *s = &sim->faults[i];
        if (strcmp(s->path, path) == 0) {
            f = s->fault;
            *delay = s->delay_ms;
            if (f == FAULT_FLAP) {
                f = s->count % 2 ? FAULT_500 : FAULT_NONE;
            }
            s->count++;
        }
    }
    pthread_mutex_unlock(&sim->lock);
    return f;
}

/* ---- responses ------------------------------------------------------- */

struct stream {
    char *body;
    size_t len;
    enum fault fault;
};

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    switch (st->fault) {
    case FAULT_TRUNCATED:
        /* Half the promised body, then the connection drops. */
        if (pos >= st->len / 2) {
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        break;
    case FAULT_HUGE:
        /* 64 MiB of a valid-looking array, size not announced. */
        if (pos >= (64u << 20)) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (pos == 0) {
            buf[0] = '[';
            return 1;
        }
        memset(buf, ' ', max);
        return (ssize_t)max;
    case FAULT_DRIP:
        /* One byte every 300 ms. */
        if (pos >= st->len) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        sleep_ms(300);
        buf[0] = st->body[pos];
        return 1;
    default:
        break;
    }
    if (pos >= st->len) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t end = st->fault == FAULT_TRUNCATED ? st->len / 2 : st->len;
    size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
    memcpy(buf, st->body + pos, n);
    return (ssize_t)n;
}

static void
stream_free(void *cls)
{
    struct stream *st = cls;
    free(st->body);
    free(st);
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *ctype,
      const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static uint64_t
fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    }
    return h;
}

/* gzip-compresses body (as HTTP Content-Encoding: gzip); NULL on failure. */
static char *
gzip_body(const char *body, size_t len, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return NULL;
    }
    size_t cap = deflateBound(&z, (uLong)len) + 32;
    char *out = xmalloc(cap);
    z.next_in = (Bytef *)body;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)con_cls;
    struct feedsim *sim = cls;
    if (strcmp(method, "GET") != 0) {
        return reply(c, 405, "application/json",
                     "{\"error\": \"method not allowed\"}");
    }
    if (strcmp(url, "/healthz") == 0) {
        return reply(c, 200, "text/plain", "ok\n");
    }
    if (strcmp(url, "/_stats") == 0) {
        char body[96];
        snprintf(body, sizeof(body), "{\"requests\": %lu, \"gzipped\": "
                 "%lu}", feedsim_requests(sim), feedsim_gzipped(sim));
        return reply(c, 200, "application/json", body);
    }
    if (strcmp(url, "/_fault") == 0) {
        const char *path = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                       "path");
        const char *mode = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                       "mode");
        if (!path || !mode || !feedsim_set_fault(sim, path, mode)) {
            return reply(c, 400, "application/json",
                         "{\"error\": \"want ?path=/api/x&mode=MODE\"}");
        }
        return reply(c, 200, "application/json", "{\"ok\": true}");
    }
    /* /redirect/N: N hops of 302 before the national data. */
    if (strncmp(url, "/redirect/", 10) == 0) {
        long hops = strtol(url + 10, NULL, 10);
        take_fault(sim, url, &(int){0});
        char next[64];
        if (hops > 1 && hops < 100) {
            snprintf(next, sizeof(next), "/redirect/%ld", hops - 1);
        } else {
            snprintf(next, sizeof(next), "/api/national");
        }
        struct MHD_Response *r = MHD_create_response_from_buffer(
            0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", next);
        enum MHD_Result ret = MHD_queue_response(c, 302, r);
        MHD_destroy_response(r);
        return ret;
    }
    if (strcmp(url, "/api/worldbank") == 0) {
        const char *pg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                     "page");
        const char *pp = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                     "per_page");
        int page = pg ? (int)strtol(pg, NULL, 10) : 1;
        int per_page = pp ? (int)strtol(pp, NULL, 10) : 50;
        take_fault(sim, url, &(int){0});
        if (page < 1 || page > 1000 || per_page < 1 || per_page > 10000) {
            return reply(c, 400, "application/json",
                         "[{\"message\":[{\"id\":\"120\",\"key\":"
                         "\"Invalid value\",\"value\":\"The provided "
                         "parameter value is not valid\"}]}]");
        }
        char *body = worldbank_page(page, per_page);
        enum MHD_Result ret = reply(c, 200, "application/json;charset=utf-8",
                                    body);
        cJSON_free(body);
        return ret;
    }
    /* /private/...: the same data behind a bearer token, for tests of
     * secrets in headers. */
    if (strncmp(url, "/private/", 9) == 0) {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                       "Authorization");
        if (!auth || strcmp(auth, "Bearer " FEEDSIM_TOKEN) != 0) {
            return reply(c, 401, "application/json",
                         "{\"error\": \"unauthorized\"}");
        }
        url += 8;
    }
    /* /api/NAME, or /api/NAME/ANYTHING: the same data under a path of its
     * own, so each client can be given a fault of its own. */
    static const struct {
        const char *prefix;
        cJSON *(*make)(int64_t, int64_t);
    } endpoints[] = {{"/api/national", national},
                     {"/api/services", services},
                     {"/api/provinces", provinces},
                     {"/api/tasks", tasks}};
    cJSON *(*make)(int64_t, int64_t) = NULL;
    for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
        size_t n = strlen(endpoints[i].prefix);
        if (strncmp(url, endpoints[i].prefix, n) == 0 &&
            (url[n] == '\0' || url[n] == '/')) {
            make = endpoints[i].make;
        }
    }
    int delay = 0;
    enum fault f = take_fault(sim, url, &delay);
    if (!make) {
        return reply(c, 404, "application/json", "{\"error\": \"not found\"}");
    }
    switch (f) {
    case FAULT_DELAY:
        sleep_ms(delay);
        break;
    case FAULT_404:
        return reply(c, 404, "application/json", "{\"error\": \"not found\"}");
    case FAULT_500:
        return reply(c, 500, "application/json",
                     "{\"error\": \"internal error\"}");
    case FAULT_RESET:
        return MHD_NO; /* close the connection without a response */
    case FAULT_INVALID:
        return reply(c, 200, "application/json",
                     "{\"updated\": \"2026-11-22T09:00:00+07:00\", \"v\": [1, 2");
    case FAULT_CTYPE:
        return reply(c, 200, "text/html; charset=utf-8",
                     "<html><body>Đăng nhập</body></html>");
    default:
        break;
    }
    int64_t now = time_now_ms() + sim->offset_ms;
    pthread_mutex_lock(&sim->lock);
    int64_t step = sim->step_ms;
    pthread_mutex_unlock(&sim->lock);
    cJSON *doc = make(now, now / step);
    char *body = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    char etag[40];
    snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)fnv(body));
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  "If-None-Match");
    if ((f == FAULT_NONE || f == FAULT_DELAY) && inm &&
        strcmp(inm, etag) == 0) {
        free(body);
        struct MHD_Response *r = MHD_create_response_from_buffer(
            0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "ETag", etag);
        enum MHD_Result ret = MHD_queue_response(c, 304, r);
        MHD_destroy_response(r);
        return ret;
    }
    struct stream *st = xcalloc(1, sizeof(*st));
    st->body = xstrdup(body);
    st->len = strlen(body);
    st->fault = f;
    cJSON_free(body);
    /* Compress when the client accepts it (healthy responses only). */
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "Accept-Encoding");
    bool gz = f == FAULT_NONE && ae && strstr(ae, "gzip");
    if (gz) {
        size_t zlen;
        char *z = gzip_body(st->body, st->len, &zlen);
        if (z) {
            free(st->body);
            st->body = z;
            st->len = zlen;
            pthread_mutex_lock(&sim->lock);
            sim->gzipped++;
            pthread_mutex_unlock(&sim->lock);
        } else {
            gz = false;
        }
    }
    uint64_t size = (f == FAULT_HUGE || f == FAULT_DRIP) ? MHD_SIZE_UNKNOWN
                                                         : st->len;
    struct MHD_Response *r = MHD_create_response_from_callback(
        size, 16384, stream_read, st, stream_free);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (f == FAULT_NOSTORE) {
        /* As many real servers answer: the same bytes each time, and
         * nothing to make a conditional request with. */
        MHD_add_response_header(r, "Cache-Control", "no-store");
    } else {
        MHD_add_response_header(r, "ETag", etag);
        MHD_add_response_header(r, "Cache-Control", "no-cache");
    }
    if (gz) {
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    }
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

struct feedsim *
feedsim_start(int port, int64_t time_offset_ms)
{
    return feedsim_start_tls(port, time_offset_ms, NULL, NULL);
}

struct feedsim *
feedsim_start_tls(int port, int64_t time_offset_ms, const char *cert_pem,
                  const char *key_pem)
{
    bool tls = cert_pem && key_pem;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        LOG_ERR("this libmicrohttpd has no TLS support");
        return NULL;
    }
    struct feedsim *sim = xcalloc(1, sizeof(*sim));
    pthread_mutex_init(&sim->lock, NULL);
    sim->offset_ms = time_offset_ms;
    sim->step_ms = 60000;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION;
    if (tls) {
        sim->daemon = MHD_start_daemon(
            flags | MHD_USE_TLS, (uint16_t)port, NULL, NULL, handle, sim,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
            MHD_OPTION_HTTPS_MEM_CERT, cert_pem, MHD_OPTION_HTTPS_MEM_KEY,
            key_pem, MHD_OPTION_END);
    } else {
        sim->daemon = MHD_start_daemon(
            flags, (uint16_t)port, NULL, NULL, handle, sim,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
    }
    if (!sim->daemon) {
        LOG_ERR("cannot listen on 127.0.0.1:%d", port);
        pthread_mutex_destroy(&sim->lock);
        free(sim);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(
        sim->daemon, MHD_DAEMON_INFO_BIND_PORT);
    sim->port = info ? info->port : port;
    return sim;
}

void
feedsim_stop(struct feedsim *sim)
{
    if (!sim) {
        return;
    }
    MHD_stop_daemon(sim->daemon);
    pthread_mutex_destroy(&sim->lock);
    free(sim);
}

int
feedsim_port(const struct feedsim *sim)
{
    return sim->port;
}

unsigned long
feedsim_gzipped(const struct feedsim *sim)
{
    pthread_mutex_t *lock = (pthread_mutex_t *)&sim->lock;
    pthread_mutex_lock(lock);
    unsigned long n = sim->gzipped;
    pthread_mutex_unlock(lock);
    return n;
}

unsigned long
feedsim_requests(const struct feedsim *sim)
{
    pthread_mutex_t *lock = (pthread_mutex_t *)&sim->lock;
    pthread_mutex_lock(lock);
    unsigned long n = sim->requests;
    pthread_mutex_unlock(lock);
    return n;
}

void
feedsim_set_step(struct feedsim *sim, int64_t step_ms)
{
    pthread_mutex_lock(&sim->lock);
    sim->step_ms = step_ms > 0 ? step_ms : 60000;
    pthread_mutex_unlock(&sim->lock);
}
