/*
 * obs_status: the SDMX observation status code list (CL_OBS_STATUS, as
 * published by the SDMX Statistical Working Group) mapped to the marks
 * the wall draws.
 */
#include "feeds/obs_status.h"

#include <string.h>

static const struct {
    const char *code;
    enum obs_status status;
} codes[] = {
    {"A", OBS_FINAL},        /* normal value */
    {"B", OBS_BREAK},        /* time series break */
    {"D", OBS_BREAK},        /* definition differs: not comparable */
    {"E", OBS_ESTIMATED},    /* estimated value */
    {"F", OBS_FORECAST},     /* forecast value */
    {"G", OBS_EXPERIMENTAL}, /* experimental value */
    {"I", OBS_ESTIMATED},    /* imputed value */
    {"P", OBS_PROVISIONAL},  /* provisional value */
    {"U", OBS_LOW_QUALITY},  /* low reliability */
    {"V", OBS_UNVALIDATED},  /* unvalidated value */
    {"H", OBS_MISSING},      /* missing: holiday or weekend */
    {"L", OBS_MISSING},      /* missing: exists but not collected */
    {"M", OBS_MISSING},      /* missing: cannot exist */
    {"O", OBS_MISSING},      /* missing value */
    {"Q", OBS_MISSING},      /* missing: suppressed (confidential) */
};

static int
find(const char *code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(codes[i].code, code) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool
obs_status_code_known(const char *code)
{
    return code && find(code) >= 0;
}

enum obs_status
obs_status_of(const char *code, const cJSON *status_map)
{
    if (!code || !code[0]) {
        return OBS_FINAL;
    }
    const cJSON *m = cJSON_IsObject(status_map)
                         ? cJSON_GetObjectItemCaseSensitive(status_map, code)
                         : NULL;
    if (cJSON_IsString(m)) {
        code = m->valuestring;
        if (!code[0]) {
            return OBS_FINAL;
        }
    }
    int i = find(code);
    return i < 0 ? OBS_OTHER : codes[i].status;
}

const char *
obs_status_label(enum obs_status s, enum layout_locale loc)
{
    static const char *const vi[OBS_COUNT] = {
        [OBS_ESTIMATED] = "ước tính",
        [OBS_FORECAST] = "dự báo",
        [OBS_PROVISIONAL] = "sơ bộ",
        [OBS_UNVALIDATED] = "chưa thẩm định",
        [OBS_EXPERIMENTAL] = "thử nghiệm",
        [OBS_LOW_QUALITY] = "độ tin cậy thấp",
        [OBS_BREAK] = "chuỗi gián đoạn",
        [OBS_OTHER] = "chưa chính thức",
    };
    static const char *const en[OBS_COUNT] = {
        [OBS_ESTIMATED] = "estimated",
        [OBS_FORECAST] = "forecast",
        [OBS_PROVISIONAL] = "provisional",
        [OBS_UNVALIDATED] = "unvalidated",
        [OBS_EXPERIMENTAL] = "experimental",
        [OBS_LOW_QUALITY] = "low reliability",
        [OBS_BREAK] = "series break",
        [OBS_OTHER] = "not final",
    };
    if ((unsigned)s >= OBS_COUNT) {
        return "";
    }
    const char *l = (loc == LAYOUT_LOCALE_VI_VN ? vi : en)[s];
    return l ? l : "";
}
