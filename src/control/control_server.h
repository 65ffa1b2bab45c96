/*
 * control_server: the control API's HTTP server (libmicrohttpd), on its
 * own threads.  It checks the bearer token and the request size, parses
 * the request (control_cmd) and hands it to the main thread through a
 * queue; the main thread applies it and answers; the connection's thread
 * waits for that answer (bounded: a wall that does not answer in time is
 * reported as 503, never a hang).  /healthz and the console page are
 * answered here, without the main thread: /healthz from the main loop's
 * heartbeat, so it reports a frozen render loop.  The record's
 * endpoints (/api/record...) are answered by replay_jobs on the
 * connection's thread: a replay takes seconds, and the wall's frames
 * must not wait for it.
 */
#ifndef OPSWALL_CONTROL_SERVER_H
#define OPSWALL_CONTROL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/control_auth.h"
#include "control/control_cmd.h"
#include "control/replay_jobs.h"

struct control_server;

struct control_opts {
    const char *address;   /* numeric IPv4, default 127.0.0.1 */
    int port;
    const struct control_tokens *tokens; /* required; the caller's, kept
                                          * until the server stops */
    const char *console;   /* the console page's HTML; NULL: none */
    const char *console_js, *console_css; /* its script and style */
    /* The record's endpoints, answered on the connection's thread
     * (never the main one); NULL: none. */
    struct replay_jobs *replay;
    int answer_ms;         /* how long a request waits for the wall */
    /* HTTPS (GnuTLS through libmicrohttpd, TLS 1.2 and 1.3 only): the
     * PEM certificate chain and key, or NULL for plain HTTP (loopback
     * only: the caller refuses anything else). */
    const char *tls_cert_pem, *tls_key_pem;
    void (*wake)(void *arg); /* called from server threads: work queued */
    void *wake_arg;
};

/* A request for the main thread. */
struct control_request {
    struct control_cmd cmd;
    char peer[64]; /* address of the client, for the audit log */
    enum control_role role; /* the token's */
    bool denied;   /* the role may not: answer 403, audited */
};

/* NULL, reason logged, if it cannot listen. */
struct control_server *control_server_start(const struct control_opts *o);
void control_server_stop(struct control_server *s);

/* Main thread: a renewed certificate (SIGHUP) without a restart: a new
 * listener with it takes the port while the old one stops accepting and
 * finishes its connections on a thread of its own.  false (logged, the
 * old certificate kept) when it does not load, or the server is plain. */
bool control_server_renew_tls(struct control_server *s, const char *cert_pem,
                              const char *key_pem);

/* Main thread: the next queued request, or NULL. */
struct control_request *control_server_next(struct control_server *s);
/* Main thread: answers (takes body, malloc'd) and releases the request. */
void control_server_answer(struct control_server *s,
                           struct control_request *req, int status,
                           const char *content_type, char *body,
                           size_t len);
/* The same, for a frame: its header X-Opswall-Frame-Time gives |frame_ms|
 * (the moment it shows, ms since 1970 UTC), X-Opswall-Frame-Complete
 * "yes" when frame_ms > 0, "no" when the frame is not all of that
 * moment's yet (frame_ms < 0). */
void control_server_answer_frame(struct control_server *s,
                                 struct control_request *req, int status,
                                 const char *content_type, char *body,
                                 size_t len, int64_t frame_ms);
/* Main thread: the loop is alive (for /healthz); call every iteration. */
void control_server_heartbeat(struct control_server *s, int64_t mono_ms);

struct control_counts {
    unsigned long requests, refused_auth, refused_bad, timeouts;
    unsigned long refused_role; /* 403 */
    struct control_limit_counts limits;
};
struct control_counts control_server_counts(struct control_server *s);

/* The tokens: $OPSWALL_CONTROL_TOKEN (an admin's), else the token file
 * (control_auth.h).  NULL, the reason logged, when neither gives one. */
struct control_tokens *control_tokens_load(const char *file);

#endif
