/*
 * control_cmd: request checking for the control API.  Every refusal says
 * what was wrong in words an operator's script author can act on.
 */
#include "control/control_cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/xalloc.h"

static const struct route {
    const char *path;
    const char *method;
    enum control_op op;
    const char *const keys[3]; /* the body keys it takes */
} routes[] = {
    {"/api/state", "GET", CONTROL_STATE, {NULL}},
    {"/api/scenes", "GET", CONTROL_SCENES, {NULL}},
    {"/api/frame.png", "GET", CONTROL_FRAME, {NULL}},
    {"/metrics", "GET", CONTROL_METRICS, {NULL}},
    {"/api/record", "GET", CONTROL_RECORD, {NULL}},
    {"/api/record/timeline", "POST", CONTROL_RECORD_TIMELINE, {"from", "to"}},
    {"/api/record/frame", "POST", CONTROL_RECORD_FRAME, {"at", "scale"}},
    {"/api/scene", "POST", CONTROL_SCENE, {"scene", "step", "rotation"}},
    {"/api/focus", "POST", CONTROL_FOCUS, {"widget"}},
    {"/api/highlight", "POST", CONTROL_HIGHLIGHT, {"province"}},
    {"/api/freeze", "POST", CONTROL_FREEZE, {NULL}},
    {"/api/release", "POST", CONTROL_RELEASE, {NULL}},
    {"/api/notice", "POST", CONTROL_NOTICE, {"text", "seconds"}},
    {"/api/reload", "POST", CONTROL_RELOAD, {NULL}},
};

const char *
control_op_name(enum control_op op)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (routes[i].op == op) {
            return routes[i].path;
        }
    }
    return "?";
}

bool
control_cmd_changes(const struct control_cmd *cmd)
{
    return cmd->op >= CONTROL_SCENE;
}

void
control_cmd_fini(struct control_cmd *cmd)
{
    free(cmd->arg);
    cmd->arg = NULL;
}

static int fail(char *err, size_t n, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(char *err, size_t n, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return status;
}

/* Well-formed UTF-8 without control characters (a notice is one line of
 * text on the wall; a name is a name). */
static bool
clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int more = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1
                                : (c & 0xF0) == 0xE0 ? 2
                                : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (more < 0 || (c < 0x80 && (c < 0x20 || c == 0x7F)) ||
            c == 0xC0 || c == 0xC1 || c > 0xF4) {
            return false;
        }
        unsigned cp = more == 0 ? c : c & (0x3F >> more);
        for (int k = 1; k <= more; k++) {
            if ((p[k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[more] || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp < 0xA0)) {
            return false; /* overlong, surrogate, C1 control */
        }
        p += 1 + more;
    }
    return true;
}

/* A string key or null (clear); *out is NULL for null. */
static int
text_key(const cJSON *obj, const char *key, bool required, char **out,
         char *err, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v) {
        return required ? fail(err, n, 400, "\"%s\" is required", key) : 0;
    }
    if (cJSON_IsNull(v)) {
        return 0;
    }
    if (!cJSON_IsString(v)) {
        return fail(err, n, 400, "\"%s\" must be a string or null", key);
    }
    size_t len = strlen(v->valuestring);
    if (len == 0 || len > CONTROL_TEXT_MAX) {
        return fail(err, n, 400, "\"%s\" must be 1 to %d bytes long", key,
                    CONTROL_TEXT_MAX);
    }
    if (!clean_utf8(v->valuestring)) {
        return fail(err, n, 400, "\"%s\" must be UTF-8 text without control "
                    "characters", key);
    }
    *out = xstrdup(v->valuestring);
    return 0;
}

#define RECORD_WINDOW_MAX_MS (31ll * 86400 * 1000)

/* A moment: ms since 1970 UTC, a whole number in the years 2000-2200. */
static int
time_key(const cJSON *obj, const char *key, int64_t *out, char *err,
         size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        return fail(err, n, 400, "\"%s\" is required", key);
    }
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 946684800000.0) ||
        v->valuedouble > 7258118400000.0 ||
        v->valuedouble != (double)(int64_t)v->valuedouble) {
        return fail(err, n, 400, "\"%s\" must be a moment in ms since "
                    "1970 UTC (a whole number)", key);
    }
    *out = (int64_t)v->valuedouble;
    return 0;
}

static int
parse_body(const struct route *r, const cJSON *obj, struct control_cmd *out,
           char *err, size_t n)
{
    /* Unknown keys are refused: a typo must not pass as a no-op. */
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        bool known = false;
        for (int k = 0; k < 3 && r->keys[k]; k++) {
            known |= strcmp(it->string, r->keys[k]) == 0;
        }
        if (!known) {
            return fail(err, n, 400, "%s takes no key \"%s\"", r->path,
                        it->string);
        }
    }
    switch (r->op) {
    case CONTROL_SCENE: {
        const cJSON *step = cJSON_GetObjectItemCaseSensitive(obj, "step");
        const cJSON *rot = cJSON_GetObjectItemCaseSensitive(obj, "rotation");
        int given = cJSON_GetArraySize(obj);
        if (given != 1) {
            return fail(err, n, 400, "give one of \"scene\", \"step\" or "
                        "\"rotation\"");
        }
        if (step) {
            if (!cJSON_IsNumber(step) ||
                (step->valuedouble != 1 && step->valuedouble != -1)) {
                return fail(err, n, 400, "\"step\" must be 1 or -1");
            }
            out->step = (int)step->valuedouble;
            return 0;
        }
        if (rot) {
            if (!cJSON_IsTrue(rot)) {
                return fail(err, n, 400, "\"rotation\" must be true (it "
                            "resumes the playlist)");
            }
            out->resume = true;
            return 0;
        }
        int rc = text_key(obj, "scene", true, &out->arg, err, n);
        if (rc == 0 && !out->arg) {
            return fail(err, n, 400, "\"scene\" must be a scene id");
        }
        return rc;
    }
    case CONTROL_FOCUS:
        return text_key(obj, "widget", true, &out->arg, err, n);
    case CONTROL_HIGHLIGHT:
        return text_key(obj, "province", true, &out->arg, err, n);
    case CONTROL_NOTICE: {
        int rc = text_key(obj, "text", true, &out->arg, err, n);
        if (rc) {
            return rc;
        }
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(obj, "seconds");
        out->seconds = 60;
        if (sec) {
            if (!cJSON_IsNumber(sec) || sec->valuedouble < 1 ||
                sec->valuedouble > 86400 ||
                sec->valuedouble != (double)(int64_t)sec->valuedouble) {
                return fail(err, n, 400, "\"seconds\" must be a whole "
                            "number from 1 to 86400");
            }
            out->seconds = (int64_t)sec->valuedouble;
        }
        return 0;
    }
    case CONTROL_RECORD_TIMELINE: {
        int rc = time_key(obj, "from", &out->from_ms, err, n);
        rc = rc ? rc : time_key(obj, "to", &out->to_ms, err, n);
        if (!rc && out->to_ms <= out->from_ms) {
            rc = fail(err, n, 400, "\"to\" must be after \"from\"");
        }
        if (!rc && out->to_ms - out->from_ms > RECORD_WINDOW_MAX_MS) {
            rc = fail(err, n, 400, "a window is at most 31 days");
        }
        return rc;
    }
    case CONTROL_RECORD_FRAME: {
        int rc = time_key(obj, "at", &out->at_ms, err, n);
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(obj, "scale");
        out->scale = 0.25;
        if (!rc && sc) {
            if (!cJSON_IsNumber(sc) || !(sc->valuedouble >= 0.05) ||
                sc->valuedouble > 1) {
                return fail(err, n, 400, "\"scale\" must be a number from "
                            "0.05 to 1");
            }
            out->scale = sc->valuedouble;
        }
        return rc;
    }
    default:
        return 0;
    }
}

int
control_cmd_parse(const char *method, const char *path, const char *body,
                  size_t len, struct control_cmd *out, char *err,
                  size_t errlen)
{
    *out = (struct control_cmd){0};
    err[0] = 0;
    const struct route *r = NULL;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(routes[i].path, path) == 0) {
            r = &routes[i];
        }
    }
    if (!r) {
        return fail(err, errlen, 404, "no such endpoint: %.80s", path);
    }
    if (strcmp(method, r->method) != 0) {
        return fail(err, errlen, 405, "%s takes %s, not %.16s", r->path,
                    r->method, method);
    }
    out->op = r->op;
    if (len > CONTROL_BODY_MAX) {
        return fail(err, errlen, 413, "request body over %d bytes",
                    CONTROL_BODY_MAX);
    }
    if (strcmp(r->method, "GET") == 0 || len == 0) {
        if (len == 0 && r->keys[0] && r->op != CONTROL_FOCUS &&
            r->op != CONTROL_HIGHLIGHT) {
            return fail(err, errlen, 400, "%s needs a JSON body", r->path);
        }
        if (len == 0 && r->keys[0]) {
            return fail(err, errlen, 400, "%s needs a JSON body, e.g. "
                        "{\"%s\": null}", r->path, r->keys[0]);
        }
        return 0;
    }
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithLengthOpts(body, len, &end, false);
    /* Nothing but white space may follow the value. */
    while (obj && end && (size_t)(end - body) < len &&
           (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')) {
        end++;
    }
    if (!obj || !end || (size_t)(end - body) != len) {
        cJSON_Delete(obj);
        return fail(err, errlen, 400, "the body is not one JSON value");
    }
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return fail(err, errlen, 400, "the body must be a JSON object");
    }
    int rc = parse_body(r, obj, out, err, errlen);
    cJSON_Delete(obj);
    if (rc) {
        control_cmd_fini(out);
    }
    return rc;
}
