/*
 * adapter: turns a source's payload, in the format it declares, into the
 * tree widgets bind to.  Runs on the feed thread (or wherever payloads are
 * parsed), pure functions.
 *
 *   json        the payload as is
 *   prometheus  Prometheus HTTP API (query, query_range):
 *               {"series": [{"metric": {...}, "value": V, "points":
 *                 [{"t": ms, "value": V, "raw": "NaN"?}]}],
 *                "value": V of the first series, "updated": ISO time of the
 *                newest sample}
 *               Values arrive as strings and are parsed strictly; NaN and
 *               ±Inf become null (missing) with the raw text kept, never a
 *               number on the wall.
 *   worldbank   World Bank API v2 ([meta, rows]):
 *               {"indicator": {"id", "name"}, "updated": meta.lastupdated,
 *                "countries": {"VNM": {"name", "unit", "decimals",
 *                  "points": [{"period": "2023", "value": V|null,
                  "status": obs_status when given}] (oldest
 *                  first), "latest": {"period", "value"} (newest non-null),
 *                  "previous": {...} (the one before)}}}
 *               The feed engine fetches and merges every page first; an
 *               answer still announcing several pages here (a file, a
 *               test) is an error naming the fix (per_page), never a
 *               silently partial series.
 *   sdmx        SDMX-JSON data message (1.0 "dataSets"/"structure", or 2.0
 *               "data": {"dataSets", "structures"}): series keys resolved
 *               to dimension value ids:
 *               {"series": {"VN.GDP.A": {"key": {"REF_AREA": "VN", ...},
 *                 "unit": UNIT_MEASURE, "decimals": DECIMALS,
 *                 "points": [{"period", "value", "status": OBS_STATUS}],
 *                 "latest", "previous"}}}
 */
#ifndef OPSWALL_ADAPTER_H
#define OPSWALL_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

enum feed_format {
    FEED_FORMAT_JSON,
    FEED_FORMAT_PROMETHEUS,
    FEED_FORMAT_WORLDBANK,
    FEED_FORMAT_SDMX,
};

/* Parses a format name; returns false if unknown. */
bool adapter_format_from_name(const char *name, enum feed_format *out);

/* Takes in; returns the adapted tree, or NULL with the reason in err. */
cJSON *adapter_apply(enum feed_format fmt, cJSON *in, char *err,
                     size_t errlen);

#endif
