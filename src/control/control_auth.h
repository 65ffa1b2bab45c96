/*
 * control_auth: who may do what on the control API.  Tokens with roles
 * (parsed from the token file: pure, fuzzed), the role each command
 * needs, and limits per client address (failed authentications, frames),
 * which the control server's connection threads share.
 *
 * The token file: one token per line with its role, "ROLE TOKEN";
 * ROLE is viewer (reads: state, scenes, frame, metrics, the record),
 * operator (+ scenes, rotation, focus, highlight, freeze and release,
 * notices) or admin (+ reload).  A line of a token alone is an admin's
 * (the single-token file of before); "#" starts a comment line.  Tokens
 * are 16 to 256 printable ASCII characters without spaces, each once.
 */
#ifndef OPSWALL_CONTROL_AUTH_H
#define OPSWALL_CONTROL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/control_cmd.h"

enum control_role {
    CONTROL_ROLE_NONE = 0, /* no token, or a wrong one */
    CONTROL_ROLE_VIEWER,
    CONTROL_ROLE_OPERATOR,
    CONTROL_ROLE_ADMIN,
};

#define CONTROL_TOKENS_MAX 256
#define CONTROL_TOKEN_MIN 16
#define CONTROL_TOKEN_MAX 256

struct control_tokens;

/* Parses a token file's text; NULL with "NAME:LINE: why" in err. */
struct control_tokens *control_tokens_parse(const char *text, size_t len,
                                            const char *name, char *err,
                                            size_t errlen);
/* One admin token (the environment's $OPSWALL_CONTROL_TOKEN); NULL with
 * the reason when it is not a valid token. */
struct control_tokens *control_tokens_single(const char *token, char *err,
                                             size_t errlen);
void control_tokens_destroy(struct control_tokens *t);
size_t control_tokens_count(const struct control_tokens *t);

/* The role of an "Authorization: Bearer TOKEN" header's token (NULL
 * header: none).  Every token is compared, each in time independent of
 * where it differs. */
enum control_role control_tokens_role(const struct control_tokens *t,
                                      const char *authorization);

/* The least role a command needs. */
enum control_role control_op_role(enum control_op op);
const char *control_role_name(enum control_role r);

/* Limits per client address (IPv4, as text): failed authentications
 * (CONTROL_AUTH_FAILS a minute, then refused until the minute is over)
 * and frames (CONTROL_FRAMES_PER_S, a bucket).  Thread-safe. */
#define CONTROL_AUTH_FAILS 10
#define CONTROL_FRAMES_PER_S 4

struct control_limits;

struct control_limits *control_limits_create(void);
void control_limits_destroy(struct control_limits *l);

/* 0 when the address may try to authenticate now, else the seconds
 * until it may (for Retry-After). */
int control_limits_auth_wait(struct control_limits *l, const char *peer,
                             int64_t now_ms);
/* A failed authentication from peer: the failures in its minute so far
 * (1: the first, worth a log line; CONTROL_AUTH_FAILS: the refusals
 * begin, the other worth one). */
int control_limits_auth_failed(struct control_limits *l, const char *peer,
                               int64_t now_ms);
/* 0 when peer may have a frame now (and takes it), else the seconds to
 * wait. */
int control_limits_frame(struct control_limits *l, const char *peer,
                         int64_t now_ms);

struct control_limit_counts {
    unsigned long auth_failures, auth_limited, frames_limited;
};
struct control_limit_counts control_limits_counts(struct control_limits *l);

#endif
