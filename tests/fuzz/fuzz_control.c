/*
 * fuzz_control: libFuzzer target for the control API's request parser.
 * The input is "METHOD PATH\n" followed by the body; anything must give
 * either a command or an HTTP error status with a reason, and a command's
 * text argument must be short, clean UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool cond)
{
    if (!cond) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
