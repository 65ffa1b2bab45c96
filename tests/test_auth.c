/*
 * test_auth: the control API's tokens, roles and limits (control_auth):
 * the token file's lines and its errors, which role a header gets, the
 * role each command needs, and the limits per address on a clock given
 * here (failed authentications: 10 a minute, then refused until the
 * minute is over; frames: 4 a second).
 */
#include <stdlib.h>
#include <string.h>

#include "control/control_auth.h"
#include "testlib.h"

#define V "viewer-token-0123456789"
#define O "operator-token-0123456789"
#define A "admin-token-0123456789ab"

static void
test_parse(void)
{
    static const char good[] =
        "# wall tokens\r\n"
        "viewer " V "\r\n"
        "\n"
        "  operator\t" O "  \n"
        "admin " A "\n"
        "old-single-token-0123456789\n";
    char err[256] = "";
    struct control_tokens *t =
        control_tokens_parse(good, sizeof(good) - 1, "tokens", err,
                             sizeof(err));
    CHECK(t && control_tokens_count(t) == 4, "four tokens (%s)", err);
    CHECK(control_tokens_role(t, "Bearer " V) == CONTROL_ROLE_VIEWER,
          "viewer");
    CHECK(control_tokens_role(t, "Bearer " O) == CONTROL_ROLE_OPERATOR,
          "operator");
    CHECK(control_tokens_role(t, "Bearer " A) == CONTROL_ROLE_ADMIN,
          "admin");
    CHECK(control_tokens_role(t, "Bearer old-single-token-0123456789") ==
              CONTROL_ROLE_ADMIN,
          "a token alone is an admin's (the file of before)");
    CHECK(control_tokens_role(t, "Bearer " V "x") == CONTROL_ROLE_NONE &&
              control_tokens_role(t, "Bearer viewer-token-012345678") ==
                  CONTROL_ROLE_NONE &&
              control_tokens_role(t, "Basic " V) == CONTROL_ROLE_NONE &&
              control_tokens_role(t, "Bearer ") == CONTROL_ROLE_NONE &&
              control_tokens_role(t, NULL) == CONTROL_ROLE_NONE,
          "longer, shorter, another scheme, empty, none: no role");
    control_tokens_destroy(t);

    static const struct {
        const char *text, *err;
    } bad[] = {
        {"viewer short\n", "f:1: a token must be 16 to 256 characters long "
                           "(this one has 5)"},
        {"# c\nguest " V "\n", "f:2: \"guest\" is not a role (viewer, "
                                "operator or admin, then the token)"},
        {"viewer " V " extra\n", "f:1: a line is ROLE TOKEN (or a token "
                                 "alone, an admin's)"},
        {"viewer " V "\nadmin " V "\n", "f:2: this token is already given "
                                        "(once per file: one token, one "
                                        "role)"},
        {"viewer t\x01ken-0123456789abc\n", "f:1: a token is printable "
                                            "ASCII without spaces"},
        {"# only a comment\n\n", "f: no token in it (a line \"ROLE TOKEN\", "
                                 "ROLE viewer, operator or admin)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = 0;
        t = control_tokens_parse(bad[i].text, strlen(bad[i].text), "f", err,
                                 sizeof(err));
        CHECK(!t && strcmp(err, bad[i].err) == 0, "bad %zu: \"%s\"", i, err);
        control_tokens_destroy(t);
    }
    static const char nul[] = "viewer " V "\0\n";
    t = control_tokens_parse(nul, sizeof(nul) - 1, "f", err, sizeof(err));
    CHECK(!t && strstr(err, "f:1: a NUL byte"), "a NUL: %s", err);
    t = control_tokens_single("too-short", err, sizeof(err));
    CHECK(!t && strstr(err, "16 to 256"), "a short environment token: %s",
          err);
    t = control_tokens_single(A, err, sizeof(err));
    CHECK(t && control_tokens_role(t, "Bearer " A) == CONTROL_ROLE_ADMIN,
          "the environment's token is an admin's");
    control_tokens_destroy(t);
}

static void
test_roles(void)
{
    static const struct {
        enum control_op op;
        enum control_role need;
    } ops[] = {
        {CONTROL_STATE, CONTROL_ROLE_VIEWER},
        {CONTROL_SCENES, CONTROL_ROLE_VIEWER},
        {CONTROL_FRAME, CONTROL_ROLE_VIEWER},
        {CONTROL_METRICS, CONTROL_ROLE_VIEWER},
        {CONTROL_RECORD, CONTROL_ROLE_VIEWER},
        {CONTROL_RECORD_TIMELINE, CONTROL_ROLE_VIEWER},
        {CONTROL_RECORD_FRAME, CONTROL_ROLE_VIEWER},
        {CONTROL_SCENE, CONTROL_ROLE_OPERATOR},
        {CONTROL_FOCUS, CONTROL_ROLE_OPERATOR},
        {CONTROL_HIGHLIGHT, CONTROL_ROLE_OPERATOR},
        {CONTROL_FREEZE, CONTROL_ROLE_OPERATOR},
        {CONTROL_RELEASE, CONTROL_ROLE_OPERATOR},
        {CONTROL_NOTICE, CONTROL_ROLE_OPERATOR},
        {CONTROL_RELOAD, CONTROL_ROLE_ADMIN},
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        CHECK(control_op_role(ops[i].op) == ops[i].need, "%s needs %s",
              control_op_name(ops[i].op), control_role_name(ops[i].need));
    }
    CHECK_STR(control_role_name(CONTROL_ROLE_OPERATOR), "operator");
}

static void
test_limits(void)
{
    struct control_limits *l = control_limits_create();
    const int64_t t0 = 1000000;
    for (int i = 1; i <= CONTROL_AUTH_FAILS; i++) {
        CHECK(control_limits_auth_wait(l, "10.0.0.5", t0 + i) == 0,
              "try %d allowed", i);
        CHECK(control_limits_auth_failed(l, "10.0.0.5", t0 + i) == i,
              "failure %d counted", i);
    }
    int w = control_limits_auth_wait(l, "10.0.0.5", t0 + 20000);
    CHECK(w >= 40 && w <= 41, "after 10 failures: refused, Retry-After %d",
          w);
    CHECK(control_limits_auth_wait(l, "10.0.0.6", t0 + 20000) == 0,
          "another address is not");
    CHECK(control_limits_auth_wait(l, "10.0.0.5", t0 + 60001) == 0,
          "the minute over: allowed again");
    CHECK(control_limits_auth_failed(l, "10.0.0.5", t0 + 60002) == 1,
          "and counted afresh");
    /* Frames: a bucket of 4, refilled 4 a second. */
    int ok = 0;
    for (int i = 0; i < 10; i++) {
        ok += control_limits_frame(l, "10.0.0.7", t0) == 0;
    }
    CHECK(ok == CONTROL_FRAMES_PER_S, "4 frames at once, then 429 (%d)", ok);
    CHECK(control_limits_frame(l, "10.0.0.7", t0 + 250) == 0 &&
              control_limits_frame(l, "10.0.0.7", t0 + 250) == 1,
          "a quarter of a second later: one more");
    /* Many addresses: the table gives up the longest unused. */
    char addr[32];
    for (int i = 0; i < 200; i++) {
        snprintf(addr, sizeof(addr), "10.1.%d.%d", i / 250, i % 250);
        control_limits_auth_failed(l, addr, t0 + 100000 + i);
    }
    struct control_limit_counts c = control_limits_counts(l);
    CHECK(c.auth_failures == 211 && c.auth_limited == 1 &&
              c.frames_limited == 7,
          "counted: %lu failures, %lu refused, %lu frames refused",
          c.auth_failures, c.auth_limited, c.frames_limited);
    control_limits_destroy(l);
}

int
main(void)
{
    test_parse();
    test_roles();
    test_limits();
    return testlib_done();
}
