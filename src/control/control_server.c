/*
 * control_server: libmicrohttpd with a thread per connection (a request
 * may wait for the main thread, which must not stall other clients), a
 * queue of requests for the main thread, and per-request answers.
 *
 * Locking: one mutex guards the queue and every pending request's answer
 * fields; one condition variable is broadcast when any answer arrives.
 * The main thread holds the mutex only to pop or answer.
 */
#define LOG_MODULE "control"
#include "control/control_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

struct pending {
    struct control_request req; /* first: the main thread sees this */
    bool taken, answered, abandoned;
    int status;
    const char *ctype;
    char *body;
    size_t len;
    int64_t frame_ms; /* a frame's time, for its header; 0: none */
    struct pending *next;
};

/* A listener given up for a renewed certificate: stopped (its
 * connections finished) on a thread of its own, joined at the end. */
struct retired {
    struct MHD_Daemon *daemon;
    char *cert, *key;
    pthread_t thread;
};

#define RETIRED_MAX 8

struct control_server {
    struct MHD_Daemon *daemon;
    struct sockaddr_in addr;
    int port;
    char *cert, *key; /* the listener's PEM (NULL: plain HTTP) */
    struct retired retired[RETIRED_MAX];
    int nretired;
    const struct control_tokens *tokens;
    struct control_limits *limits;
    char *console, *console_js, *console_css;
    struct replay_jobs *replay;
    int answer_ms;
    void (*wake)(void *arg);
    void *wake_arg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pending *head, *tail;
    _Atomic int64_t heartbeat_ms;
    struct control_counts counts; /* under mu */
};

/* One connection's request as it arrives. */
struct conn {
    char *body;
    size_t len;
    bool too_big;
};

static enum MHD_Result
reply_full(struct MHD_Connection *c, unsigned status, const char *ctype,
           const void *body, size_t len, int64_t frame_ms, int retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) {
        return MHD_NO;
    }
    if (frame_ms) {
        /* The moment the frame shows, in ms since 1970 UTC: what
         * `opswall replay --at` takes to draw it again; "complete" when
         * the frame is all of that moment's (no crossfade or repaint
         * under way). */
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)llabs(frame_ms));
        MHD_add_response_header(r, "X-Opswall-Frame-Time", v);
        MHD_add_response_header(r, "X-Opswall-Frame-Complete",
                                frame_ms > 0 ? "yes" : "no");
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    /* State, frames and the page hold what the wall shows: never kept by
     * a browser or a proxy, never framed, never sent on as a referrer. */
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (strncmp(ctype, "text/html", 9) == 0) {
        /* The console: its own script and style only, no other origin,
         * no inline code. */
        MHD_add_response_header(
            r, "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; "
            "img-src 'self' blob: data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    }
    if (status == 401) {
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
    }
    if (retry_after > 0) {
        char v[16];
        snprintf(v, sizeof(v), "%d", retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
reply_at(struct MHD_Connection *c, unsigned status, const char *ctype,
         const void *body, size_t len, int64_t frame_ms)
{
    return reply_full(c, status, ctype, body, len, frame_ms, 0);
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *ctype,
      const void *body, size_t len)
{
    return reply_at(c, status, ctype, body, len, 0);
}

/* {"error": msg}, with Retry-After when retry_after > 0 (429). */
static enum MHD_Result
reply_error_after(struct MHD_Connection *c, unsigned status, const char *msg,
                  int retry_after)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", msg);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    enum MHD_Result r = reply_full(c, status,
                                   "application/json;charset=utf-8", s,
                                   strlen(s), 0, retry_after);
    free(s);
    return r;
}

static enum MHD_Result
reply_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return reply_error_after(c, status, msg, 0);
}

static void
peer_of(struct MHD_Connection *c, char *out, size_t n)
{
    snprintf(out, n, "?");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ci->client_addr;
        inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)n);
    }
}

static void
pending_free(struct pending *p)
{
    control_cmd_fini(&p->req.cmd);
    free(p->body);
    free(p);
}

/* Queues a request for the main thread and waits for its answer. */
static enum MHD_Result
through_main(struct control_server *s, struct MHD_Connection *c,
             struct control_cmd *cmd, enum control_role role, bool denied)
{
    struct pending *p = xcalloc(1, sizeof(*p));
    p->req.cmd = *cmd;
    *cmd = (struct control_cmd){0};
    p->req.role = role;
    p->req.denied = denied;
    peer_of(c, p->req.peer, sizeof(p->req.peer));
    pthread_mutex_lock(&s->mu);
    if (s->tail) {
        s->tail->next = p;
    } else {
        s->head = p;
    }
    s->tail = p;
    pthread_mutex_unlock(&s->mu);
    if (s->wake) {
        s->wake(s->wake_arg);
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->answer_ms / 1000;
    until.tv_nsec += (long)(s->answer_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!p->answered) {
        if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    if (!p->answered) {
        s->counts.timeouts++;
        if (!p->taken) {
            /* Still queued: take it out; nobody else knows it. */
            struct pending **pp = &s->head;
            struct pending *prev = NULL;
            while (*pp && *pp != p) {
                prev = *pp;
                pp = &(*pp)->next;
            }
            if (*pp) {
                *pp = p->next;
                if (s->tail == p) {
                    s->tail = prev;
                }
            }
            pthread_mutex_unlock(&s->mu);
            pending_free(p);
        } else {
            p->abandoned = true; /* the main thread frees it */
            pthread_mutex_unlock(&s->mu);
        }
        return reply_error(c, 503, "the wall did not answer in time");
    }
    pthread_mutex_unlock(&s->mu);
    enum MHD_Result r = reply_at(c, (unsigned)p->status, p->ctype, p->body,
                                 p->len, p->frame_ms);
    pending_free(p);
    return r;
}

/* The record's endpoints, here on the connection's thread: each is a
 * child process (replay_jobs), which the main thread never waits for. */
static enum MHD_Result
from_record(struct control_server *s, struct MHD_Connection *c,
            struct control_cmd *cmd)
{
    char err[512];
    char *body = NULL;
    size_t len = 0;
    int status;
    bool png = cmd->op == CONTROL_RECORD_FRAME;
    if (!s->replay) {
        snprintf(err, sizeof(err), "this wall keeps no briefing record");
        status = 404;
    } else if (cmd->op == CONTROL_RECORD) {
        /* The record's last day of events; the span is the whole
         * record's. */
        status = replay_jobs_timeline(s->replay, INT64_MIN, INT64_MAX,
                                      &body, &len, err, sizeof(err));
    } else if (cmd->op == CONTROL_RECORD_TIMELINE) {
        status = replay_jobs_timeline(s->replay, cmd->from_ms, cmd->to_ms,
                                      &body, &len, err, sizeof(err));
    } else {
        status = replay_jobs_frame(s->replay, cmd->at_ms, cmd->scale, &body,
                                   &len, err, sizeof(err));
    }
    control_cmd_fini(cmd);
    enum MHD_Result r =
        status == 200
            ? reply(c, 200, png ? "image/png"
                                : "application/json;charset=utf-8",
                    body, len)
            : reply_error(c, (unsigned)status, err);
    free(body);
    return r;
}

static enum MHD_Result
healthz(struct control_server *s, struct MHD_Connection *c)
{
    int64_t hb = atomic_load(&s->heartbeat_ms);
    int64_t age = hb ? time_mono_ms() - hb : -1;
    bool ok = hb && age < 5000;
    char body[160];
    snprintf(body, sizeof(body), "{\"status\": \"%s\", \"loop_age_ms\": "
             "%lld}\n", ok ? "ok" : "stalled", (long long)age);
    return reply(c, ok ? 200 : 503, "application/json", body, strlen(body));
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct control_server *s = cls;
    struct conn *k = *con_cls;
    if (!k) {
        k = xcalloc(1, sizeof(*k));
        *con_cls = k;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > CONTROL_BODY_MAX) {
            k->too_big = true;
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (!k->too_big && k->len + n <= CONTROL_BODY_MAX) {
            k->body = xrealloc(k->body, k->len + n + 1);
            memcpy(k->body + k->len, upload_data, n);
            k->len += n;
            k->body[k->len] = 0;
        } else {
            k->too_big = true; /* read and dropped */
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/healthz") == 0) {
        return healthz(s, c);
    }
    if (strcmp(method, "GET") == 0 && s->console) {
        /* The console: static, no token (it asks for one). */
        if (strcmp(url, "/") == 0) {
            return reply(c, 200, "text/html;charset=utf-8", s->console,
                         strlen(s->console));
        }
        if (strcmp(url, "/console.js") == 0 && s->console_js) {
            return reply(c, 200, "text/javascript;charset=utf-8",
                         s->console_js, strlen(s->console_js));
        }
        if (strcmp(url, "/console.css") == 0 && s->console_css) {
            return reply(c, 200, "text/css;charset=utf-8", s->console_css,
                         strlen(s->console_css));
        }
    }
    char peer[64];
    peer_of(c, peer, sizeof(peer));
    int64_t now = time_mono_ms();
    int wait = control_limits_auth_wait(s->limits, peer, now);
    if (wait) {
        /* Guessing tokens: refused, unlogged, until its minute ends. */
        pthread_mutex_lock(&s->mu);
        s->counts.requests++;
        s->counts.refused_auth++;
        pthread_mutex_unlock(&s->mu);
        return reply_error_after(c, 429, "too many failed authentications "
                                 "from this address; try again later",
                                 wait);
    }
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   "Authorization");
    enum control_role role = control_tokens_role(s->tokens, auth);
    if (role == CONTROL_ROLE_NONE) {
        pthread_mutex_lock(&s->mu);
        s->counts.requests++;
        s->counts.refused_auth++;
        pthread_mutex_unlock(&s->mu);
        int fails = control_limits_auth_failed(s->limits, peer, now);
        /* Logged once per burst: the first in a minute, and when the
         * address is refused for the rest of it. */
        if (fails == 1) {
            LOG_WARN("refused %s %s from %s: %s", method, url, peer,
                     auth ? "wrong token" : "no token");
        } else if (fails == CONTROL_AUTH_FAILS) {
            LOG_WARN("%d failed authentications from %s within a minute: "
                     "refusing it (429) until the minute is over", fails,
                     peer);
        }
        return reply_error(c, 401, auth ? "wrong token"
                                        : "a bearer token is required");
    }
    struct control_cmd cmd;
    char err[256];
    int status = k->too_big
                     ? (snprintf(err, sizeof(err), "request body over %d "
                                 "bytes", CONTROL_BODY_MAX), 413)
                     : control_cmd_parse(method, url, k->body, k->len, &cmd,
                                         err, sizeof(err));
    pthread_mutex_lock(&s->mu);
    s->counts.requests++;
    s->counts.refused_bad += status != 0;
    pthread_mutex_unlock(&s->mu);
    if (status) {
        return reply_error(c, (unsigned)status, err);
    }
    if (role < control_op_role(cmd.op)) {
        /* Refused, and audited on the main thread like any change. */
        pthread_mutex_lock(&s->mu);
        s->counts.refused_role++;
        pthread_mutex_unlock(&s->mu);
        return through_main(s, c, &cmd, role, true);
    }
    if ((cmd.op == CONTROL_FRAME || cmd.op == CONTROL_RECORD_FRAME) &&
        (wait = control_limits_frame(s->limits, peer, now)) > 0) {
        /* A frame is a read-back and a PNG: bounded per client. */
        control_cmd_fini(&cmd);
        return reply_error_after(c, 429, "frames are limited to "
                                 "4 a second per client", wait);
    }
    if (cmd.op == CONTROL_RECORD || cmd.op == CONTROL_RECORD_TIMELINE ||
        cmd.op == CONTROL_RECORD_FRAME) {
        return from_record(s, c, &cmd);
    }
    return through_main(s, c, &cmd, role, false);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
          enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct conn *k = *con_cls;
    if (k) {
        free(k->body);
        free(k);
        *con_cls = NULL;
    }
}

/* TLS 1.2 and 1.3 only, GnuTLS's defaults otherwise. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static void
free_secret(char *p)
{
    if (p) {
        memset(p, 0, strlen(p));
        free(p);
    }
}

/* A listener on s's address, HTTPS with cert and key when given.  Every
 * listener of s is started with address reuse, so a renewed one can bind
 * the port while the old one still holds it. */
static struct MHD_Daemon *
start_daemon(struct control_server *s, const char *cert, const char *key)
{
    struct MHD_OptionItem ops[12];
    int n = 0;
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &s->addr};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 32, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16,
                                       NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 10,
                                       NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED,
                                       (intptr_t)completed, s};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
                                       NULL};
    if (cert) {
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
                                           (void *)cert};
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
                                           (void *)key};
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
                                           (void *)TLS_PRIORITIES};
    }
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                     (cert ? MHD_USE_TLS : 0);
    return MHD_start_daemon(flags, (uint16_t)s->port, NULL, NULL, handle, s,
                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

static void *
retire_main(void *arg)
{
    struct retired *r = arg;
    MHD_stop_daemon(r->daemon); /* waits for its connections */
    return NULL;
}

bool
control_server_renew_tls(struct control_server *s, const char *cert_pem,
                         const char *key_pem)
{
    if (!s->cert) {
        LOG_WARN("control API: plain HTTP, no certificate to renew");
        return false;
    }
    if (s->nretired == RETIRED_MAX) {
        /* The oldest has long finished its connections (bounded: 10 s
         * idle, 20 s for a replay). */
        struct retired *o = &s->retired[0];
        pthread_join(o->thread, NULL);
        free_secret(o->cert);
        free_secret(o->key);
        memmove(&s->retired[0], &s->retired[1],
                sizeof(s->retired[0]) * (RETIRED_MAX - 1));
        s->nretired--;
    }
    char *cert = xstrdup(cert_pem), *key = xstrdup(key_pem);
    struct MHD_Daemon *d = start_daemon(s, cert, key);
    if (!d) {
        LOG_ERR("control API: the renewed certificate and key do not load "
                "(do they match?): keeping the current ones");
        free_secret(cert);
        free_secret(key);
        return false;
    }
    /* The old listener stops accepting at once; its connections end on
     * their own. */
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) {
        close(fd);
    }
    struct retired *r = &s->retired[s->nretired];
    *r = (struct retired){s->daemon, s->cert, s->key, 0};
    if (pthread_create(&r->thread, NULL, retire_main, r) != 0) {
        MHD_stop_daemon(r->daemon); /* here, then */
        free_secret(r->cert);
        free_secret(r->key);
    } else {
        s->nretired++;
    }
    s->daemon = d;
    s->cert = cert;
    s->key = key;
    LOG_INFO("control API: certificate renewed");
    return true;
}

struct control_server *
control_server_start(const struct control_opts *o)
{
    if (control_tokens_count(o->tokens) == 0) {
        LOG_ERR("the control API needs a token");
        return NULL;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)o->port)};
    const char *a = o->address ? o->address : "127.0.0.1";
    if (inet_pton(AF_INET, a, &addr.sin_addr) != 1) {
        LOG_ERR("control address \"%s\" is not a numeric IPv4 address", a);
        return NULL;
    }
    if (!o->tls_cert_pem != !o->tls_key_pem) {
        LOG_ERR("control API: HTTPS needs both a certificate and its key");
        return NULL;
    }
    struct control_server *s = xcalloc(1, sizeof(*s));
    s->addr = addr;
    s->port = o->port;
    s->cert = o->tls_cert_pem ? xstrdup(o->tls_cert_pem) : NULL;
    s->key = o->tls_key_pem ? xstrdup(o->tls_key_pem) : NULL;
    s->tokens = o->tokens;
    s->limits = control_limits_create();
    s->console = o->console ? xstrdup(o->console) : NULL;
    s->console_js = o->console_js ? xstrdup(o->console_js) : NULL;
    s->console_css = o->console_css ? xstrdup(o->console_css) : NULL;
    s->replay = o->replay;
    s->answer_ms = o->answer_ms > 0 ? o->answer_ms : 3000;
    s->wake = o->wake;
    s->wake_arg = o->wake_arg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->daemon = start_daemon(s, s->cert, s->key);
    if (!s->daemon) {
        LOG_ERR("control API: cannot listen on %s:%d%s", a, o->port,
                s->cert ? " (or the certificate and key do not load: do "
                          "they match?)"
                        : "");
        control_server_stop(s);
        return NULL;
    }
    LOG_INFO("control API on %s://%s:%d/", s->cert ? "https" : "http", a,
             o->port);
    return s;
}

void
control_server_stop(struct control_server *s)
{
    if (!s) {
        return;
    }
    if (s->daemon) {
        /* Requests still waiting give up at their deadline. */
        MHD_stop_daemon(s->daemon);
    }
    for (int i = 0; i < s->nretired; i++) {
        pthread_join(s->retired[i].thread, NULL);
        free_secret(s->retired[i].cert);
        free_secret(s->retired[i].key);
    }
    free_secret(s->cert);
    free_secret(s->key);
    for (struct pending *p = s->head, *n; p; p = n) {
        n = p->next;
        pending_free(p);
    }
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    control_limits_destroy(s->limits);
    free(s->console);
    free(s->console_js);
    free(s->console_css);
    free(s);
}

struct control_request *
control_server_next(struct control_server *s)
{
    pthread_mutex_lock(&s->mu);
    struct pending *p = s->head;
    if (p) {
        s->head = p->next;
        if (!s->head) {
            s->tail = NULL;
        }
        p->next = NULL;
        p->taken = true;
    }
    pthread_mutex_unlock(&s->mu);
    return p ? &p->req : NULL;
}

void
control_server_answer(struct control_server *s, struct control_request *req,
                      int status, const char *content_type, char *body,
                      size_t len)
{
    control_server_answer_frame(s, req, status, content_type, body, len, 0);
}

void
control_server_answer_frame(struct control_server *s,
                            struct control_request *req, int status,
                            const char *content_type, char *body,
                            size_t len, int64_t frame_ms)
{
    struct pending *p = (struct pending *)req;
    p->frame_ms = frame_ms;
    pthread_mutex_lock(&s->mu);
    if (p->abandoned) {
        pthread_mutex_unlock(&s->mu);
        free(body);
        pending_free(p);
        return;
    }
    p->status = status;
    p->ctype = content_type;
    p->body = body;
    p->len = len;
    p->answered = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void
control_server_heartbeat(struct control_server *s, int64_t mono_ms)
{
    atomic_store(&s->heartbeat_ms, mono_ms);
}

struct control_counts
control_server_counts(struct control_server *s)
{
    pthread_mutex_lock(&s->mu);
    struct control_counts c = s->counts;
    pthread_mutex_unlock(&s->mu);
    c.limits = control_limits_counts(s->limits);
    return c;
}

struct control_tokens *
control_tokens_load(const char *file)
{
    const char *env = getenv("OPSWALL_CONTROL_TOKEN");
    char err[512];
    struct control_tokens *t = NULL;
    if (env && *env) {
        /* The single token of before: an admin's. */
        t = control_tokens_single(env, err, sizeof(err));
        if (!t) {
            LOG_ERR("$OPSWALL_CONTROL_TOKEN: %s", err);
        }
        return t;
    }
    if (!file) {
        LOG_ERR("the control API needs a token ($OPSWALL_CONTROL_TOKEN or "
                "--control-token-file)");
        return NULL;
    }
    size_t len = 0;
    char *text = file_read_all(file, 64 << 10, &len);
    if (!text) {
        LOG_ERR("control token file %s: %s", file,
                errno == EFBIG ? "over 64 KiB" : strerror(errno));
        return NULL;
    }
    t = control_tokens_parse(text, len, file, err, sizeof(err));
    memset(text, 0, len); /* no copy of the tokens left in freed memory */
    free(text);
    if (!t) {
        LOG_ERR("%s", err);
    }
    return t;
}
