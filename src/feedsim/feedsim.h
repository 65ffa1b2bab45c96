/*
 * feedsim: a local HTTP server with realistic, changing demo indicators in
 * Vietnamese, and fault modes per endpoint, for the demo and the feed
 * tests.  It binds to 127.0.0.1 only.  libmicrohttpd runs it on its own
 * threads (one per connection, so a slow fault delays only its client).
 *
 * Endpoints (GET): /api/national, /api/services, /api/provinces,
 * /api/tasks (each also under /api/NAME/ANY, a path of its own for
 * per-client faults), /healthz, /_stats (requests served, as JSON).
 * Faults: GET /_fault?path=/api/x&mode=MODE sets
 * MODE for that path ("ok" clears it); MODE is one of
 *   delay:MS  404  500  truncated  invalid  huge  drip  reset  ctype  flap
 * Every JSON response carries an ETag and honours If-None-Match (304).
 */
#ifndef OPSWALL_FEEDSIM_H
#define OPSWALL_FEEDSIM_H

#include <stdbool.h>
#include <stdint.h>

#define FEEDSIM_NPROVINCES 63
/* /private/api/... answers only "Authorization: Bearer FEEDSIM_TOKEN". */
#define FEEDSIM_TOKEN "opswall-test-token"

struct feedsim_province {
    const char *code;
    const char *name;
};

extern const struct feedsim_province feedsim_provinces[FEEDSIM_NPROVINCES];

struct feedsim;

/* Starts listening on 127.0.0.1:port (0 picks a free port).  time_offset_ms
 * is added to the clock that drives the data (tests pin it).  NULL, reason
 * logged, on failure. */
struct feedsim *feedsim_start(int port, int64_t time_offset_ms);
/* The same over HTTPS with a PEM certificate and key (file contents). */
struct feedsim *feedsim_start_tls(int port, int64_t time_offset_ms,
                                  const char *cert_pem, const char *key_pem);
void feedsim_stop(struct feedsim *sim);
int feedsim_port(const struct feedsim *sim);
/* Sets a fault mode for a path, as /_fault does; false if mode is unknown. */
bool feedsim_set_fault(struct feedsim *sim, const char *path,
                       const char *mode);
/* The values change every step_ms (default 60000, as real indicators
 * change at most by the minute); a soak run shortens it so that every poll
 * brings new data.  "updated" stays the wall-clock minute. */
void feedsim_set_step(struct feedsim *sim, int64_t step_ms);
/* Requests served so far (all endpoints). */
unsigned long feedsim_requests(const struct feedsim *sim);
/* Responses sent gzip-compressed (when the client accepted it). */
unsigned long feedsim_gzipped(const struct feedsim *sim);

#endif
