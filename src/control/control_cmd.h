/*
 * control_cmd: one control API request (method, path, JSON body) checked
 * and turned into a command, or refused with an HTTP status and a reason.
 * Pure (no I/O, no state): the control thread calls it on every request
 * and the fuzzer on anything.
 *
 *   GET  /api/state            the wall's state (scene, rotation, aids, reload)
 *   GET  /api/scenes           the scenes
 *   GET  /api/frame.png        the frame on the wall now (previews, tests)
 *   GET  /metrics              Prometheus text
 *   GET  /api/record           the briefing record's span, its last day's events
 *   POST /api/record/timeline  {"from": MS, "to": MS}: that window's events
 *   POST /api/record/frame     {"at": MS, "scale": 0.05..1}: that moment, PNG
 *   POST /api/scene            {"scene": ID} | {"step": 1 | -1} | {"rotation": true}
 *   POST /api/focus            {"widget": ID | null}
 *   POST /api/highlight        {"province": NAME | null}
 *   POST /api/freeze, /api/release, /api/reload   (no body, or {})
 *   POST /api/notice           {"text": TEXT | null, "seconds": 1..86400}
 */
#ifndef OPSWALL_CONTROL_CMD_H
#define OPSWALL_CONTROL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_BODY_MAX 16384 /* bytes of a request body */
#define CONTROL_TEXT_MAX 280   /* bytes of a name or a notice */

enum control_op {
    CONTROL_STATE,
    CONTROL_SCENES,
    CONTROL_FRAME,
    CONTROL_METRICS,
    CONTROL_RECORD,          /* reads the record: not a change */
    CONTROL_RECORD_TIMELINE,
    CONTROL_RECORD_FRAME,
    CONTROL_SCENE,
    CONTROL_FOCUS,
    CONTROL_HIGHLIGHT,
    CONTROL_FREEZE,
    CONTROL_RELEASE,
    CONTROL_NOTICE,
    CONTROL_RELOAD,
};

struct control_cmd {
    enum control_op op;
    char *arg;       /* scene id, widget, province, notice; NULL: clear */
    int step;        /* scene: +1 next, -1 previous, 0 by id */
    bool resume;     /* scene: back to the rotation */
    int64_t seconds; /* notice */
    int64_t at_ms;   /* record frame: ms since 1970 UTC */
    int64_t from_ms, to_ms; /* record timeline */
    double scale;    /* record frame (default 0.25) */
};

/* 0 and *out filled, or an HTTP status (400, 404, 405, 413) with the
 * reason in err.  body may be NULL when len is 0. */
int control_cmd_parse(const char *method, const char *path, const char *body,
                      size_t len, struct control_cmd *out, char *err,
                      size_t errlen);
void control_cmd_fini(struct control_cmd *cmd);
/* Whether the command changes the wall (audited) or only reads. */
bool control_cmd_changes(const struct control_cmd *cmd);
const char *control_op_name(enum control_op op);

#endif
