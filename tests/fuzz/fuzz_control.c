/*
 * fuzz_control: libFuzzer target for the control API's request parser.
 * The input is "METHOD PATH\n" followed by the body; anything must give
 * either a command or an HTTP error status with a reason, and a command's
 * text argument must be short, clean UTF-8.  An input beginning
 * "TOKENS\n" is a token file instead (control_auth): parsed or refused
 * with a reason, and each line's token then has the role parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_auth.h"
#include "control/control_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool cond)
{
    if (!cond) {
        abort();
    }
}

static void
tokens(const uint8_t *data, size_t size)
{
    char err[256] = "";
    struct control_tokens *t = control_tokens_parse(
        (const char *)data, size, "fuzz", err, sizeof(err));
    if (!t) {
        check(err[0] != 0);
        return;
    }
    size_t n = control_tokens_count(t);
    check(n >= 1 && n <= CONTROL_TOKENS_MAX);
    /* Each line's last word, as a bearer token: a role or none. */
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *w = le;
        while (w > p && w[-1] != ' ' && w[-1] != '\t') {
            w--;
        }
        size_t wl = (size_t)(le - w);
        if (wl && wl < 300) {
            char h[320];
            memcpy(h, "Bearer ", 7);
            memcpy(h + 7, w, wl);
            h[7 + wl] = 0;
            if (h[7 + wl - 1] == '\r') {
                h[7 + wl - 1] = 0;
            }
            enum control_role r = control_tokens_role(t, h);
            check(r >= CONTROL_ROLE_NONE && r <= CONTROL_ROLE_ADMIN);
        }
        p = eol ? eol + 1 : end;
    }
    control_tokens_destroy(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 7 && memcmp(data, "TOKENS\n", 7) == 0) {
        tokens(data + 7, size - 7);
        return 0;
    }
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl) {
        return 0;
    }
    size_t head = (size_t)(nl - data);
    char *line = malloc(head + 1);
    memcpy(line, data, head);
    line[head] = 0;
    char *sp = strchr(line, ' ');
    const char *method = line, *path = "/";
    if (sp) {
        *sp = 0;
        path = sp + 1;
    }
    /* The body as the server hands it: its own buffer, NUL after it. */
    size_t len = size - head - 1;
    char *body = malloc(len + 1);
    memcpy(body, nl + 1, len);
    body[len] = 0;
    struct control_cmd cmd;
    char err[256];
    int st = control_cmd_parse(method, path, body, len, &cmd, err,
                               sizeof(err));
    if (st) {
        check(st == 400 || st == 404 || st == 405 || st == 413);
        check(err[0] != 0);
    } else {
        check(!cmd.arg || (strlen(cmd.arg) >= 1 &&
                           strlen(cmd.arg) <= CONTROL_TEXT_MAX));
        for (const unsigned char *p = (const unsigned char *)cmd.arg;
             p && *p; p++) {
            check(*p >= 0x20 && *p != 0x7F);
        }
        check(cmd.op != CONTROL_NOTICE || !cmd.arg ||
              (cmd.seconds >= 1 && cmd.seconds <= 86400));
        check(cmd.step >= -1 && cmd.step <= 1);
        check(cmd.op != CONTROL_RECORD_FRAME ||
              (cmd.scale >= 0.05 && cmd.scale <= 1 &&
               cmd.at_ms >= 946684800000));
        check(cmd.op != CONTROL_RECORD_TIMELINE ||
              (cmd.from_ms < cmd.to_ms &&
               cmd.to_ms - cmd.from_ms <= 31ll * 86400 * 1000));
        control_cmd_fini(&cmd);
    }
    free(body);
    free(line);
    return 0;
}
