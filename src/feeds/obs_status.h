/*
 * obs_status: what a figure's publication status means on the wall.
 *
 * Statistical offices publish a period in stages (estimate, preliminary,
 * official) and mark some values as forecasts, breaks or missing.  The
 * adapters keep each observation's code as published (SDMX OBS_STATUS,
 * World Bank obs_status) and bindings may point at a JSON source's own
 * status field; a source's `status_map` translates its own codes into the
 * SDMX code list (CL_OBS_STATUS) first.  This module turns a code into
 * the kind of mark the widgets draw and the words they write.  Pure
 * functions, any thread.
 */
#ifndef OPSWALL_OBS_STATUS_H
#define OPSWALL_OBS_STATUS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "layout/layout.h"

enum obs_status {
    OBS_FINAL,        /* A, or no status: drawn as it is */
    OBS_ESTIMATED,    /* E, I: "ước tính" */
    OBS_FORECAST,     /* F: "dự báo" */
    OBS_PROVISIONAL,  /* P: "sơ bộ" */
    OBS_UNVALIDATED,  /* V: "chưa thẩm định" */
    OBS_EXPERIMENTAL, /* G: "thử nghiệm" */
    OBS_LOW_QUALITY,  /* U: "độ tin cậy thấp" */
    OBS_BREAK,        /* B, D: the series breaks before this value */
    OBS_OTHER,        /* a code not in the list: not final, named as is */
    OBS_MISSING,      /* M, L, O, Q, H: no value, whatever number came */
    OBS_COUNT,
};

/*
 * The status a code means, after the source's status_map (an object of
 * the source's codes to SDMX codes; NULL: none).  NULL or "" is final.
 * Codes compare exactly (SDMX codes are upper case).
 */
enum obs_status obs_status_of(const char *code, const cJSON *status_map);

/* Not final: drawn hollow, dashed or hatched, and named. */
static inline bool
obs_status_marked(enum obs_status s)
{
    return s != OBS_FINAL && s != OBS_MISSING;
}

/* A figure that may still change (estimated, provisional, forecast...):
 * marked, and not a break (a break's value is final; its series breaks). */
static inline bool
obs_status_preliminary(enum obs_status s)
{
    return obs_status_marked(s) && s != OBS_BREAK;
}

/* What the wall writes for it ("sơ bộ"; "" for final and missing). */
const char *obs_status_label(enum obs_status s, enum layout_locale loc);

/* True if code is in the SDMX code list this module knows (for checking
 * a layout's status_map). */
bool obs_status_code_known(const char *code);

#endif
