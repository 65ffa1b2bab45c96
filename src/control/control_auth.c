/*
 * control_auth: tokens and roles, and the limits per client address.
 */
#include "control/control_auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct token {
    char *text;
    size_t len;
    enum control_role role;
};

struct control_tokens {
    struct token *v;
    size_t n;
};

static const char *const role_names[] = {"none", "viewer", "operator",
                                         "admin"};

const char *
control_role_name(enum control_role r)
{
    return r <= CONTROL_ROLE_ADMIN ? role_names[r] : "?";
}

enum control_role
control_op_role(enum control_op op)
{
    switch (op) {
    case CONTROL_STATE:
    case CONTROL_SCENES:
    case CONTROL_FRAME:
    case CONTROL_METRICS:
    case CONTROL_RECORD:
    case CONTROL_RECORD_TIMELINE:
    case CONTROL_RECORD_FRAME:
        return CONTROL_ROLE_VIEWER;
    case CONTROL_RELOAD:
        return CONTROL_ROLE_ADMIN;
    default:
        return CONTROL_ROLE_OPERATOR; /* every other change */
    }
}

void
control_tokens_destroy(struct control_tokens *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        /* Not left in freed memory. */
        memset(t->v[i].text, 0, t->v[i].len);
        free(t->v[i].text);
    }
    free(t->v);
    free(t);
}

size_t
control_tokens_count(const struct control_tokens *t)
{
    return t ? t->n : 0;
}

static bool
token_chars_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] <= ' ' || s[i] > '~') {
            return false;
        }
    }
    return true;
}

/* Adds a token; an error sentence in err when it cannot be one. */
static bool
add(struct control_tokens *t, const char *tok, size_t n,
    enum control_role role, char *err, size_t errlen)
{
    if (n < CONTROL_TOKEN_MIN || n > CONTROL_TOKEN_MAX) {
        snprintf(err, errlen, "a token must be %d to %d characters long "
                 "(this one has %zu)", CONTROL_TOKEN_MIN, CONTROL_TOKEN_MAX,
                 n);
        return false;
    }
    if (!token_chars_ok(tok, n)) {
        snprintf(err, errlen, "a token is printable ASCII without spaces");
        return false;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].len == n && memcmp(t->v[i].text, tok, n) == 0) {
            snprintf(err, errlen, "this token is already given (once per "
                     "file: one token, one role)");
            return false;
        }
    }
    if (t->n == CONTROL_TOKENS_MAX) {
        snprintf(err, errlen, "more than %d tokens", CONTROL_TOKENS_MAX);
        return false;
    }
    t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
    t->v[t->n++] = (struct token){xstrndup(tok, n), n, role};
    return true;
}

static enum control_role
role_of(const char *s, size_t n)
{
    for (int r = CONTROL_ROLE_VIEWER; r <= CONTROL_ROLE_ADMIN; r++) {
        if (strlen(role_names[r]) == n && memcmp(role_names[r], s, n) == 0) {
            return (enum control_role)r;
        }
    }
    return CONTROL_ROLE_NONE;
}

struct control_tokens *
control_tokens_parse(const char *text, size_t len, const char *name,
                     char *err, size_t errlen)
{
    struct control_tokens *t = xcalloc(1, sizeof(*t));
    size_t line = 0;
    const char *p = text, *end = text + len;
    char why[160];
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t ll = (size_t)((eol ? eol : end) - p);
        if (ll && p[ll - 1] == '\r') {
            ll--;
        }
        const char *le = p + ll;
        /* Words: at most two, split by spaces or tabs. */
        const char *w[3];
        size_t wl[3];
        int nw = 0;
        const char *q = p;
        bool nul = memchr(p, '\0', ll) != NULL;
        while (q < le && !nul) {
            while (q < le && (*q == ' ' || *q == '\t')) {
                q++;
            }
            if (q == le) {
                break;
            }
            const char *s = q;
            while (q < le && *q != ' ' && *q != '\t') {
                q++;
            }
            if (nw < 3) {
                w[nw] = s;
                wl[nw] = (size_t)(q - s);
            }
            nw++;
        }
        p = eol ? eol + 1 : end;
        if (nul) {
            snprintf(err, errlen, "%s:%zu: a NUL byte (not a text file?)",
                     name, line);
            control_tokens_destroy(t);
            return NULL;
        }
        if (nw == 0 || w[0][0] == '#') {
            continue;
        }
        enum control_role role = CONTROL_ROLE_ADMIN;
        const char *tok = w[0];
        size_t tl = wl[0];
        if (nw == 2) {
            role = role_of(w[0], wl[0]);
            tok = w[1];
            tl = wl[1];
            if (role == CONTROL_ROLE_NONE) {
                snprintf(err, errlen, "%s:%zu: \"%.*s\" is not a role "
                         "(viewer, operator or admin, then the token)",
                         name, line, wl[0] > 32 ? 32 : (int)wl[0], w[0]);
                control_tokens_destroy(t);
                return NULL;
            }
        } else if (nw > 2) {
            snprintf(err, errlen, "%s:%zu: a line is ROLE TOKEN (or a token "
                     "alone, an admin's)", name, line);
            control_tokens_destroy(t);
            return NULL;
        }
        if (!add(t, tok, tl, role, why, sizeof(why))) {
            snprintf(err, errlen, "%s:%zu: %s", name, line, why);
            control_tokens_destroy(t);
            return NULL;
        }
    }
    if (t->n == 0) {
        snprintf(err, errlen, "%s: no token in it (a line \"ROLE TOKEN\", "
                 "ROLE viewer, operator or admin)", name);
        control_tokens_destroy(t);
        return NULL;
    }
    return t;
}

struct control_tokens *
control_tokens_single(const char *token, char *err, size_t errlen)
{
    struct control_tokens *t = xcalloc(1, sizeof(*t));
    if (!add(t, token, strlen(token), CONTROL_ROLE_ADMIN, err, errlen)) {
        control_tokens_destroy(t);
        return NULL;
    }
    return t;
}

/* Equal in time that depends only on the lengths. */
static bool
same(const char *want, size_t n, const char *got, size_t m)
{
    unsigned char diff = n != m;
    for (size_t i = 0; i < n; i++) {
        diff |= (unsigned char)want[i] ^ (unsigned char)(i < m ? got[i] : 0);
    }
    return diff == 0;
}

enum control_role
control_tokens_role(const struct control_tokens *t, const char *authorization)
{
    static const char prefix[] = "Bearer ";
    if (!t || !authorization ||
        strncmp(authorization, prefix, sizeof(prefix) - 1) != 0) {
        return CONTROL_ROLE_NONE;
    }
    const char *got = authorization + sizeof(prefix) - 1;
    size_t m = strlen(got);
    enum control_role role = CONTROL_ROLE_NONE;
    /* Every token compared: which one matched does not show in time. */
    for (size_t i = 0; i < t->n; i++) {
        if (same(t->v[i].text, t->v[i].len, got, m)) {
            role = t->v[i].role;
        }
    }
    return role;
}

/* ---------------------------------------------------------------- limits */

#define PEERS 64
#define WINDOW_MS 60000

struct peer {
    char addr[48];
    int64_t used_ms;
    int64_t window_ms; /* the failures' minute began */
    int fails;
    double frames;     /* the bucket */
    int64_t frames_ms; /* last refilled */
};

struct control_limits {
    pthread_mutex_t mu;
    struct peer p[PEERS];
    struct control_limit_counts counts;
};

struct control_limits *
control_limits_create(void)
{
    struct control_limits *l = xcalloc(1, sizeof(*l));
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

void
control_limits_destroy(struct control_limits *l)
{
    if (!l) {
        return;
    }
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* The address's entry, made (the longest unused one given up) when it has
 * none.  Under mu. */
static struct peer *
find(struct control_limits *l, const char *addr, int64_t now_ms)
{
    struct peer *old = &l->p[0];
    for (int i = 0; i < PEERS; i++) {
        struct peer *e = &l->p[i];
        if (e->addr[0] && strcmp(e->addr, addr) == 0) {
            e->used_ms = now_ms;
            return e;
        }
        if (!e->addr[0] || e->used_ms < old->used_ms) {
            old = e;
        }
    }
    *old = (struct peer){.used_ms = now_ms, .window_ms = now_ms,
                         .frames = CONTROL_FRAMES_PER_S,
                         .frames_ms = now_ms};
    snprintf(old->addr, sizeof(old->addr), "%s", addr);
    return old;
}

static int
seconds_until(int64_t t_ms, int64_t now_ms)
{
    int64_t s = (t_ms - now_ms + 999) / 1000;
    return s < 1 ? 1 : (int)s;
}

/* The address's entry with its failures' minute current: a minute over
 * starts again from none.  Under mu. */
static struct peer *
find_in_window(struct control_limits *l, const char *addr, int64_t now_ms)
{
    struct peer *e = find(l, addr, now_ms);
    if (now_ms - e->window_ms >= WINDOW_MS) {
        e->window_ms = now_ms;
        e->fails = 0;
    }
    return e;
}

int
control_limits_auth_wait(struct control_limits *l, const char *peer,
                         int64_t now_ms)
{
    pthread_mutex_lock(&l->mu);
    struct peer *e = find_in_window(l, peer, now_ms);
    int wait = 0;
    if (e->fails >= CONTROL_AUTH_FAILS) {
        wait = seconds_until(e->window_ms + WINDOW_MS, now_ms);
        l->counts.auth_limited++;
    }
    pthread_mutex_unlock(&l->mu);
    return wait;
}

int
control_limits_auth_failed(struct control_limits *l, const char *peer,
                           int64_t now_ms)
{
    pthread_mutex_lock(&l->mu);
    struct peer *e = find_in_window(l, peer, now_ms);
    e->fails++;
    l->counts.auth_failures++;
    int fails = e->fails;
    pthread_mutex_unlock(&l->mu);
    return fails;
}

int
control_limits_frame(struct control_limits *l, const char *peer,
                     int64_t now_ms)
{
    pthread_mutex_lock(&l->mu);
    struct peer *e = find(l, peer, now_ms);
    e->frames += (double)(now_ms - e->frames_ms) * CONTROL_FRAMES_PER_S /
                 1000.0;
    if (e->frames > CONTROL_FRAMES_PER_S) {
        e->frames = CONTROL_FRAMES_PER_S;
    }
    e->frames_ms = now_ms;
    int wait = 0;
    if (e->frames >= 1) {
        e->frames -= 1;
    } else {
        wait = 1;
        l->counts.frames_limited++;
    }
    pthread_mutex_unlock(&l->mu);
    return wait;
}

struct control_limit_counts
control_limits_counts(struct control_limits *l)
{
    pthread_mutex_lock(&l->mu);
    struct control_limit_counts c = l->counts;
    pthread_mutex_unlock(&l->mu);
    return c;
}
