/*
 * layout_spec: the schema tables, the generic checker and the JSON Schema
 * generator.  See layout_spec.h; docs/layout.md explains each key in prose.
 */
#include "layout/layout_spec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

#define STR {.kind = SPEC_STRING}
#define BOOL {.kind = SPEC_BOOL}
#define TEXT {.kind = SPEC_TEXT}
#define VALUE {.kind = SPEC_VALUE}
#define COLOR {.kind = SPEC_COLOR}
#define DURATION {.kind = SPEC_DURATION}
#define DURATION_MAX(ms) {.kind = SPEC_DURATION, .max = (ms)}
#define SIZE_MIN(b) {.kind = SPEC_SIZE, .min = (b)}
#define INT(lo, hi) {.kind = SPEC_INTEGER, .min = (lo), .max = (hi)}
#define NUM(lo, hi) {.kind = SPEC_NUMBER, .min = (lo), .max = (hi)}
#define ENUM(...) {.kind = SPEC_ENUM, .choices = (const char *const[]){ \
    __VA_ARGS__, NULL}}
#define OBJ(...) {.kind = SPEC_OBJECT, .fields = (const struct spec_field[]){ \
    __VA_ARGS__, {NULL, {0}, false, NULL}}}
#define END {NULL, {0}, false, NULL}

static const char *const size_roles[] = {"small", "body", "title", "value",
                                         "display", NULL};

static const struct spec_field mullion_fields[] = {
    {"x", INT(0, 1000), true, "hidden pixels between two columns of displays"},
    {"y", INT(0, 1000), true, "hidden pixels between two rows of displays"},
    END,
};

static const struct spec_field wall_fields[] = {
    {"columns", INT(1, 64), true, "displays across"},
    {"rows", INT(1, 64), true, "displays down"},
    {"width", INT(64, 16384), true, "pixels across one display"},
    {"height", INT(64, 16384), true, "pixels down one display"},
    {"mullion", {.kind = SPEC_OBJECT, .fields = mullion_fields}, false,
     "bezel compensation: canvas pixels hidden behind the mullions"},
    {"display_mm", OBJ({"width", NUM(10, 20000), true, "active width, mm"},
                       {"height", NUM(10, 20000), true, "active height, mm"}),
     false, "physical size of one display's active area"},
    {"viewing_distance_m", NUM(0.3, 200), false,
     "distance of the farthest reader, for the legibility check"},
    {"outputs", {.kind = SPEC_ARRAY, .min = 1, .max = 16,
                 .items = &(const struct spec){
                     .kind = SPEC_OBJECT,
                     .fields = (const struct spec_field[]){
                         {"display", INT(0, 63), true, "SDL display index"},
                         {"displays", {.kind = SPEC_CELL}, true,
                          "[column, row, columns, rows] of the wall's "
                          "displays this output shows"},
                         END}}},
     false, "several outputs of this machine, each a fullscreen window "
     "showing a block of displays (default: one window for the whole "
     "wall, as a spanning desktop gives it)"},
    END,
};

static const struct spec_field grid_fields[] = {
    {"columns", INT(1, 512), true, "layout units across the wall"},
    {"rows", INT(1, 512), true, "layout units down the wall"},
    {"gap", INT(0, 2000), false, "canvas pixels between cells (default 16)"},
    {"margin", INT(0, 4000), false, "canvas pixels around the grid "
     "(default 24)"},
    END,
};

static const struct spec_field theme_size_fields[] = {
    {"small", INT(6, 2000), false, "secondary text: periods, ages, axes"},
    {"body", INT(6, 2000), false, "body text, ticker"},
    {"title", INT(6, 2000), false, "widget titles"},
    {"value", INT(6, 4000), false, "headline values"},
    {"display", INT(6, 4000), false, "the clock"},
    END,
};

static const struct spec_field theme_fields[] = {
    {"background", COLOR, false, "wall background"},
    {"panel", COLOR, false, "widget panels"},
    {"panel_border", COLOR, false, "panel outlines"},
    {"text", COLOR, false, "main text"},
    {"muted", COLOR, false, "secondary text"},
    {"accent", COLOR, false, "accents, titles"},
    {"good", COLOR, false, "changes for the better"},
    {"bad", COLOR, false, "changes for the worse"},
    {"warn", COLOR, false, "warnings, late data"},
    {"stale", COLOR, false, "stale-data marking"},
    {"font_scale", NUM(0.25, 8), false, "multiplies every text size"},
    {"sizes", {.kind = SPEC_OBJECT, .fields = theme_size_fields}, false,
     "text sizes in canvas pixels, per role"},
    END,
};

static const struct spec_field source_fields[] = {
    {"url", STR, true, "http://, https:// or file: (relative to the layout)"},
    {"every", DURATION, false, "poll interval (default 60s)"},
    {"timeout", DURATION, false, "whole-request timeout (default 10s)"},
    {"stale_after", DURATION, false, "age beyond which values are marked "
     "stale (default 3 x every)"},
    {"headers", {.kind = SPEC_MAP, .items = &(const struct spec)STR}, false,
     "request headers; ${NAME} takes an environment variable"},
    {"as_of", {.kind = SPEC_POINTER}, false,
     "pointer to the payload's own timestamp (ISO 8601)"},
    {"label", STR, false, "the source's name as shown on the wall"},
    {"format", ENUM("json", "prometheus", "worldbank", "sdmx"), false,
     "payload format (default json); prometheus: the HTTP API's query and "
     "query_range answers; worldbank: World Bank API v2; sdmx: SDMX-JSON "
     "data messages"},
    {"number_locale", ENUM("vi-VN", "en-US"), false,
     "numbers sent as strings are written in this locale (\"1.234,5\"); "
     "without it only plain numbers (\"1234.5\") are read"},
    {"status_map", {.kind = SPEC_MAP, .items = &(const struct spec)ENUM(
         "A", "B", "D", "E", "F", "G", "I", "P", "U", "V", "H", "L", "M",
         "O", "Q")}, false,
     "the source's own status codes as SDMX OBS_STATUS codes ({\"prelim\": "
     "\"P\", \"final\": \"A\"}): P provisional, E estimated, F forecast, "
     "B break, M missing, A final..."},
    {"ca_file", STR, false, "PEM file of CAs to trust for this source"},
    {"client_cert", STR, false, "PEM client certificate (mutual TLS)"},
    {"client_key", STR, false, "PEM key of the client certificate"},
    END,
};

static const struct spec threshold_spec = OBJ(
    {"above", NUM(-1e300, 1e300), false, "applies when value >= above"},
    {"below", NUM(-1e300, 1e300), false, "applies when value < below"},
    {"color", ENUM("good", "bad", "warn", "accent", "text", "muted"), true,
     "theme colour role"});

static const struct spec_field series_fields[] = {
    {"x", {.kind = SPEC_POINTER}, false, "x within each point (default: the "
     "first of /t, /period, /date, /time, /x, /label, /name)"},
    {"y", {.kind = SPEC_POINTER}, false, "value within each point (default: "
     "the first of /value, /y, /v)"},
    {"name", {.kind = SPEC_POINTER}, false, "category name within each "
     "point (bars, donut; default: x)"},
    {"status", {.kind = SPEC_POINTER}, false, "publication status within "
     "each point (default /status for sdmx and worldbank sources): "
     "provisional, estimated and forecast points are drawn hollow, dashed "
     "or hatched, breaks as breaks, missing ones as gaps"},
    {"label", STR, false, "the series' name in the legend"},
    {"color", COLOR, false, "colour (default: the colour-blind-safe "
     "palette in order)"},
    END,
};

#define SERIES {.kind = SPEC_SERIES, .fields = series_fields}
#define SERIES_LIST(lo, hi) {.kind = SPEC_ARRAY, .min = lo, .max = hi,       \
    .items = &(const struct spec)SERIES}
#define THRESHOLDS {.kind = SPEC_ARRAY, .min = 0, .max = 16,                \
    .items = &threshold_spec}

static const struct spec_field kpi_fields[] = {
    {"value", VALUE, true, "the number shown"},
    {"unit", STR, false, "unit after the value (\"nghìn tỷ đồng\", \"%\")"},
    {"decimals", INT(0, 6), false, "decimal places (default 1)"},
    {"period", TEXT, false, "the period the value is for (\"Quý III/2026\")"},
    {"previous", VALUE, false, "the previous period's value, for the delta"},
    {"polarity", ENUM("up-is-good", "up-is-bad", "neutral"), false,
     "which direction of change is good (default up-is-good)"},
    {"delta_label", STR, false, "text after the delta (default \"so với "
     "kỳ trước\")"},
    {"delta_unit", ENUM("percent", "points", "value"), false,
     "delta as a relative change, percentage points or an absolute value"},
    {"thresholds", {.kind = SPEC_ARRAY, .min = 0, .max = 16,
                    .items = &threshold_spec}, false,
     "value ranges that colour the value; first match wins"},
    {"show_source", BOOL, false, "print the source's label"},
    {"sparkline", SERIES, false, "recent values, drawn small under the "
     "value when there is room"},
    {"revised_for", DURATION, false, "how long a revision of a shown "
     "period (\"đã điều chỉnh: 7,40 → 7,52\") stays marked (default 24h)"},
    END,
};

static const struct spec_field text_fields[] = {
    {"text", TEXT, true, "the text, or a binding to it"},
    {"size", {.kind = SPEC_ENUM, .choices = size_roles}, false,
     "text size role (default body)"},
    {"align", ENUM("left", "center", "right"), false, "alignment"},
    {"weight", ENUM("regular", "medium", "bold"), false, "font weight"},
    {"color", ENUM("text", "muted", "accent", "good", "bad", "warn"), false,
     "theme colour role"},
    {"panel", BOOL, false, "draw a panel behind the text (default true)"},
    END,
};

static const struct spec_field clock_fields[] = {
    {"seconds", BOOL, false, "show seconds (default true)"},
    {"date", BOOL, false, "show the date line (default true)"},
    {"align", ENUM("left", "center", "right"), false, "alignment"},
    {"panel", BOOL, false, "draw a panel (default false)"},
    END,
};

static const struct spec_field ticker_fields[] = {
    {"items", {.kind = SPEC_ARRAY, .min = 0, .max = 200,
               .items = &(const struct spec)STR}, false, "literal items"},
    {"source", {.kind = SPEC_BINDING}, false,
     "a binding to an array of strings (used before `items`)"},
    {"label", STR, false, "label at the left (\"TIN MỚI\")"},
    {"speed", NUM(10, 2000), false, "scroll speed, canvas px per second "
     "(default 120)"},
    END,
};

static const struct spec_field image_fields[] = {
    {"path", STR, true, "PNG file, relative to the layout"},
    {"fit", ENUM("contain", "cover", "stretch"), false, "scaling (default "
     "contain)"},
    {"panel", BOOL, false, "draw a panel behind the image (default true)"},
    END,
};

static const struct spec_field health_fields[] = {
    {"sources", {.kind = SPEC_ARRAY, .min = 0, .max = 256,
                 .items = &(const struct spec)STR}, false,
     "names of the sources to show (default: all)"},
    END,
};

static const struct spec_field line_fields[] = {
    {"series", SERIES_LIST(1, 8), true, "bindings to arrays of points; "
     "null or non-numeric values are gaps"},
    {"unit", STR, false, "unit of the values, shown on the axis"},
    {"decimals", INT(0, 6), false, "decimal places of labelled values "
     "(default 1)"},
    {"x_axis", ENUM("auto", "time", "category"), false, "time when every x "
     "is a period or timestamp (auto, the default), or categories"},
    {"last", INT(2, 1000000), false, "show only the newest N points"},
    {"area", BOOL, false, "fill under the line (default false; drawn from "
     "zero, so only with zero)"},
    {"zero", BOOL, false, "start the value axis at zero (default false)"},
    {"target", VALUE, false, "a target line"},
    {"target_label", STR, false, "the target line's label (default "
     "\"mục tiêu\")"},
    {"min_max", BOOL, false, "mark the lowest and highest value (default "
     "false)"},
    {"legend", BOOL, false, "show the legend when it fits (default true "
     "with several series)"},
    {"period", TEXT, false, "period shown in the footer (default: the "
     "newest point's)"},
    END,
};

static const struct spec_field bar_fields[] = {
    {"series", SERIES_LIST(1, 6), true, "bindings to arrays of points"},
    {"orientation", ENUM("vertical", "horizontal"), false, "bar direction "
     "(default vertical; rankings are horizontal)"},
    {"stacked", BOOL, false, "stack the series instead of grouping them"},
    {"rank", OBJ({"order", ENUM("desc", "asc"), false, "desc: largest "
                  "first (default)"},
                 {"top", INT(1, 200), false, "show the first N"}),
     false, "ranking mode (one series): sorted, numbered, top or bottom N"},
    {"unit", STR, false, "unit of the values"},
    {"decimals", INT(0, 6), false, "decimal places (default 1)"},
    {"values", BOOL, false, "write each bar's value (default true)"},
    {"thresholds", THRESHOLDS, false, "value ranges that colour the bars"},
    {"highlight", STR, false, "a category to outline (e.g. a province)"},
    {"animate", DURATION_MAX(2000), false, "when a value changes, move the "
     "graphic to it over this time (at most 2s); numbers change at once"},
    {"legend", BOOL, false, "show the legend when it fits (default true "
     "with several series)"},
    {"period", TEXT, false, "the period the values are for"},
    END,
};

static const struct spec_field gauge_fields[] = {
    {"value", VALUE, true, "the value reached"},
    {"target", VALUE, true, "the plan or target it is measured against"},
    {"expected", VALUE, false, "where the value should be by now (marked)"},
    {"unit", STR, false, "unit of value and target"},
    {"decimals", INT(0, 6), false, "decimal places (default 1)"},
    {"target_label", STR, false, "what the percentage is of (default "
     "\"kế hoạch\")"},
    {"thresholds", THRESHOLDS, false, "ranges of the percentage of target "
     "that colour the gauge"},
    {"animate", DURATION_MAX(2000), false, "when a value changes, move the "
     "graphic to it over this time (at most 2s); numbers change at once"},
    {"period", TEXT, false, "the period the value is for"},
    END,
};

static const struct spec column_spec = OBJ(
    {"label", STR, true, "column heading"},
    {"field", {.kind = SPEC_POINTER}, true, "pointer within each row"},
    {"format", ENUM("text", "number", "percent", "period"), false, "how to "
     "write the cell (default text; period: \"2026-10\" as \"Tháng "
     "10/2026\")"},
    {"status", {.kind = SPEC_POINTER}, false, "the cell's publication "
     "status within each row: cells not final are hatched and named "
     "under the table"},
    {"decimals", INT(0, 6), false, "decimal places of numbers (default 1)"},
    {"align", ENUM("left", "center", "right"), false, "alignment (numbers "
     "default right)"},
    {"width", NUM(0.1, 20), false, "relative width (default 1)"},
    {"thresholds", THRESHOLDS, false, "value ranges that colour the cell"});

static const struct spec_field table_fields[] = {
    {"rows", {.kind = SPEC_BINDING}, true, "a binding to an array of rows"},
    {"columns", {.kind = SPEC_ARRAY, .min = 1, .max = 12,
                 .items = &column_spec}, true, "the columns"},
    {"page_every", DURATION, false, "time per page when the rows do not "
     "fit (default 8s)"},
    {"period", TEXT, false, "the period the rows are for"},
    END,
};

static const struct spec_field donut_fields[] = {
    {"slices", SERIES, true, "a binding to an array of {name, value}"},
    {"unit", STR, false, "unit of the values"},
    {"decimals", INT(0, 6), false, "decimal places (default 1)"},
    {"center_label", STR, false, "text under the total (default \"tổng\")"},
    {"period", TEXT, false, "the period the values are for"},
    END,
};

static const struct spec_field map_value_fields[] = {
    {"code", {.kind = SPEC_POINTER}, false, "the province's code within "
     "each row (default /code; \"01\" and 1 both match)"},
    {"name", {.kind = SPEC_POINTER}, false, "its name, used when the code "
     "is absent or unknown (default /name; any usual spelling)"},
    {"value", {.kind = SPEC_POINTER}, false, "the value within each row "
     "(default /value)"},
    END,
};

static const struct spec_field map_point_fields[] = {
    {"code", {.kind = SPEC_POINTER}, false, "province code within each row "
     "(default /code): the point goes to its label anchor"},
    {"name", {.kind = SPEC_POINTER}, false, "province name (default /name)"},
    {"lon", {.kind = SPEC_POINTER}, false, "longitude (default /lon); with "
     "lat it places the point exactly"},
    {"lat", {.kind = SPEC_POINTER}, false, "latitude (default /lat)"},
    {"status", {.kind = SPEC_POINTER}, false, "markers: status text "
     "(default /status: online, offline, connecting...)"},
    {"value", {.kind = SPEC_POINTER}, false, "circles: the value the area "
     "shows (default /value)"},
    END,
};

static const struct spec_field map_fields[] = {
    {"map", STR, false, "\"vn63\" (63 provinces, 2008 - 30/6/2025, the "
     "default), \"vn34\" (34 units since 1/7/2025), or a GeoJSON file"},
    {"values", {.kind = SPEC_SERIES, .fields = map_value_fields}, false,
     "a binding to an array of rows, one per province"},
    {"classes", OBJ({"method", ENUM("quantile", "equal", "thresholds"),
                     false, "how values are classed (default quantile)"},
                    {"count", INT(2, 9), false, "number of classes "
                     "(default 5)"},
                    {"thresholds", {.kind = SPEC_ARRAY, .min = 1, .max = 8,
                                    .items = &(const struct spec)
                                        NUM(-1e300, 1e300)}, false,
                     "ascending inner breaks (method thresholds)"},
                    {"midpoint", NUM(-1e300, 1e300), false, "centre of a "
                     "diverging palette (e.g. 0 for a change)"},
                    {"palette", ENUM("blues", "greens", "oranges", "purples",
                                     "viridis", "puor", "brbg", "rdbu"),
                     false, "colour ramp (default blues; puor with a "
                     "midpoint)"}),
     false, "choropleth classes and colours"},
    {"unit", STR, false, "unit of the values (legend, call-out)"},
    {"decimals", INT(0, 6), false, "decimal places (default 1)"},
    {"labels", ENUM("auto", "none"), false, "province names where they fit "
     "(default auto)"},
    {"islands", ENUM("auto", "inset", "in_place"), false, "Hoàng Sa and "
     "Trường Sa in framed insets next to the coast, or in place (auto: "
     "inset in tall cells)"},
    {"highlight", STR, false, "a province (code or name) outlined with its "
     "value called out"},
    {"markers", {.kind = SPEC_SERIES, .fields = map_point_fields}, false,
     "points with a status colour (e.g. bridge points)"},
    {"circles", {.kind = SPEC_SERIES, .fields = map_point_fields}, false,
     "circles whose area is proportional to a value"},
    {"period", TEXT, false, "the period the values are for"},
    END,
};

static const struct spec_field video_fields[] = {
    {"url", STR, true, "the stream: rtsp://, rtmp://, srt://, http(s):// "
     "(HLS, MPEG-TS, MJPEG), udp://, or a file (relative to the layout)"},
    {"label", STR, false, "the name under the picture (e.g. the province)"},
    {"live", BOOL, false, "newest picture only (default: true for network "
     "streams, false for files, which play at their pace and loop)"},
    {"transport", ENUM("tcp", "udp"), false, "RTSP transport (default tcp)"},
    {"hwaccel", ENUM("auto", "none", "cuda", "vaapi"), false, "hardware "
     "decoding (default auto: NVDEC, then VAAPI, else software)"},
    END,
};

static const struct spec stream_spec = OBJ(
    {"url", STR, true, "the stream (as for video)"},
    {"label", STR, false, "the bridge point's name (e.g. the province)"},
    {"code", STR, false, "its code in the conference status feed"},
    {"live", BOOL, false, "as for video"},
    {"transport", ENUM("tcp", "udp"), false, "RTSP transport"},
    {"hwaccel", ENUM("auto", "none", "cuda", "vaapi"), false, "as for "
     "video"});

static const struct spec_field conference_fields[] = {
    {"streams", {.kind = SPEC_ARRAY, .min = 1, .max = 72,
                 .items = &stream_spec}, true, "the bridge points"},
    {"columns", INT(1, 12), false, "explicit grid columns (default: "
     "chosen for the cell and the count)"},
    {"rows", INT(1, 12), false, "explicit grid rows"},
    {"status", {.kind = SPEC_BINDING}, false, "the conference system's "
     "status: {\"active\": code or label, \"muted\": [...]}"},
    {"promote", STR, false, "a stream (label or code) shown large"},
    END,
};

const struct spec_widget_type layout_spec_widget_types[] = {
    {"kpi", kpi_fields, "a headline indicator with period, delta and "
     "freshness"},
    {"text", text_fields, "static or bound text"},
    {"clock", clock_fields, "time and Vietnamese date"},
    {"ticker", ticker_fields, "scrolling items"},
    {"image", image_fields, "a PNG picture"},
    {"health", health_fields, "every source's state, age and last error"},
    {"map", map_fields, "provinces coloured by an indicator, with markers"},
    {"video", video_fields, "one live video stream"},
    {"conference", conference_fields, "the bridge points of a conference "
     "as a grid of live streams"},
    {"line", line_fields, "series over time, with gaps shown as gaps"},
    {"bar", bar_fields, "bars from zero: grouped, stacked or a ranking"},
    {"gauge", gauge_fields, "a value against its plan, as an arc"},
    {"progress", gauge_fields, "a value against its plan, as a bar"},
    {"table", table_fields, "rows and columns, paged when they do not fit"},
    {"donut", donut_fields, "shares of a whole (use sparingly)"},
    {NULL, NULL, NULL},
};

const struct spec_field layout_spec_widget_common[] = {
    {"id", STR, true, "unique within the scene"},
    {"type", {.kind = SPEC_STRING}, true, "the widget type"},
    {"cell", {.kind = SPEC_CELL}, true, "[col, row, colspan, rowspan] in grid "
     "units"},
    {"title", STR, false, "title shown on the widget"},
    END,
};

static const struct spec widget_spec = {.kind = SPEC_WIDGET};

static const struct spec_field scene_fields[] = {
    {"id", STR, true, "scene id"},
    {"title", STR, false, "human name of the scene"},
    {"widgets", {.kind = SPEC_ARRAY, .min = 0, .max = 4096,
                 .items = &widget_spec}, true, "the widgets"},
    END,
};

static const struct spec scene_spec = {.kind = SPEC_OBJECT,
                                       .fields = scene_fields};

static const struct spec_field rotation_step_fields[] = {
    {"scene", STR, true, "a scene id"},
    {"dwell", DURATION, true, "how long it stays before the next"},
    END,
};

static const struct spec_field schedule_fields[] = {
    {"at", STR, true, "time of day on the wall's clock, \"HH:MM\""},
    {"scene", STR, true, "the scene shown from then on"},
    END,
};

static const struct spec_field transition_fields[] = {
    {"type", ENUM("crossfade", "cut"), false, "how scene and focus changes "
     "look (default crossfade)"},
    {"duration", DURATION_MAX(3000), false, "crossfade length (default "
     "500ms)"},
    END,
};

static const struct spec_field record_fields[] = {
    {"dir", STR, true, "the record's folder (made mode 0700; relative to "
     "the layout file); --record DIR overrides it"},
    {"keep", DURATION, false, "how long segments are kept (default 31d)"},
    {"max_size", SIZE_MIN(64 << 20), false, "the folder's bound, the oldest "
     "removed first, such as \"2GiB\" or \"500MB\" (default 2GiB, at "
     "least 64MiB)"},
    END,
};

static const struct spec_field cluster_rank_fields[] = {
    {"displays", {.kind = SPEC_CELL}, false, "[column, row, columns, rows] "
     "of displays this rank drives"},
    {"region", {.kind = SPEC_CELL}, false, "[x, y, width, height] in canvas "
     "pixels (instead of displays)"},
    END,
};

static const struct spec_field cluster_fields[] = {
    {"ranks", {.kind = SPEC_ARRAY, .min = 1, .max = 1024,
               .items = &(const struct spec){.kind = SPEC_OBJECT,
                                             .fields = cluster_rank_fields}},
     true, "the render ranks 1, 2, ... in order: what each draws (rank 0 "
     "is the master)"},
    END,
};

static const struct spec_field root_fields[] = {
    {"opswall", INT(1, 1), true, "format version: 1"},
    {"title", STR, false, "the wall's name"},
    {"wall", {.kind = SPEC_OBJECT, .fields = wall_fields}, true,
     "the physical wall"},
    {"grid", {.kind = SPEC_OBJECT, .fields = grid_fields}, true,
     "the layout grid over the wall"},
    {"locale", ENUM("vi-VN", "en-US"), false, "number and date format "
     "(default vi-VN)"},
    {"timezone", STR, false, "UTC offset of the wall's clock (default "
     "+07:00)"},
    {"theme", {.kind = SPEC_OBJECT, .fields = theme_fields}, false,
     "colours and text sizes"},
    {"sources", {.kind = SPEC_MAP, .items = &(const struct spec){
                     .kind = SPEC_OBJECT, .fields = source_fields}},
     false, "named data sources"},
    {"scenes", {.kind = SPEC_ARRAY, .min = 1, .max = 256,
                .items = &scene_spec}, true, "the scenes"},
    {"start_scene", STR, false, "id of the first scene (default the first)"},
    {"transition", {.kind = SPEC_OBJECT, .fields = transition_fields}, false,
     "scene changes (default a 500ms crossfade)"},
    {"rotation", {.kind = SPEC_ARRAY, .min = 2, .max = 256,
                  .items = &(const struct spec){
                      .kind = SPEC_OBJECT, .fields = rotation_step_fields}},
     false, "a playlist the wall cycles through, each scene for its dwell "
     "time, until an operator picks a scene"},
    {"schedule", {.kind = SPEC_ARRAY, .min = 1, .max = 256,
                  .items = &(const struct spec){
                      .kind = SPEC_OBJECT, .fields = schedule_fields}},
     false, "scenes switched to at a time of day (e.g. the morning "
     "briefing at 07:30)"},
    {"cluster", {.kind = SPEC_OBJECT, .fields = cluster_fields}, false,
     "several machines: the part of the canvas each MPI rank draws "
     "(opswall run --cluster under mpirun)"},
    {"errors_on_wall", BOOL, false, "show a failed reload's first error in "
     "a small banner on the wall (default false: log and control API only)"},
    {"record", {.kind = SPEC_OBJECT, .fields = record_fields}, false,
     "keep the briefing record: every frame's inputs, replayable with "
     "opswall replay (docs/record.md)"},
    END,
};

const struct spec layout_spec_root = {.kind = SPEC_OBJECT,
                                      .fields = root_fields};

const struct spec_widget_type *
layout_spec_widget_type(const char *name)
{
    for (const struct spec_widget_type *t = layout_spec_widget_types; t->name;
         t++) {
        if (strcmp(t->name, name) == 0) {
            return t;
        }
    }
    return NULL;
}

/* ---- suggestions ----------------------------------------------------- */

static int
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) {
        return 1000;
    }
    int row[65];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = (int)j;
    }
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best) {
                best = row[j] + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *
layout_spec_suggest(const char *word, const char *const *names, int count)
{
    const char *best = NULL;
    int best_d = 1000;
    for (int i = 0; i < count; i++) {
        int d = edit_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    size_t len = strlen(word);
    int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}

/* ---- checking -------------------------------------------------------- */

struct check_ctx {
    const struct jsonc_doc *doc;
    const cJSON *sources;
    struct diag_list *diags;
};

static void check_fields(const struct check_ctx *c, const cJSON *obj,
                         const struct spec_field *const *lists, int nlists,
                         const char *what);
static void check_node(const struct check_ctx *c, const cJSON *node,
                       const struct spec *spec, const char *what);

static const char *
type_name(const cJSON *n)
{
    if (cJSON_IsObject(n)) {
        return "an object";
    }
    if (cJSON_IsArray(n)) {
        return "an array";
    }
    if (cJSON_IsString(n)) {
        return "a string";
    }
    if (cJSON_IsNumber(n)) {
        return "a number";
    }
    if (cJSON_IsBool(n)) {
        return cJSON_IsTrue(n) ? "true" : "false";
    }
    return "null";
}

static void
err(const struct check_ctx *c, const cJSON *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
err(const struct check_ctx *c, const cJSON *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(c->diags, DIAG_ERROR, jsonc_pos(c->doc, n), "%s", msg);
    free(msg);
}

static void
fmt_num(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.15g", v);
}

static void
check_range(const struct check_ctx *c, const cJSON *n, const struct spec *s,
            const char *what)
{
    double v = n->valuedouble;
    if (s->min == 0 && s->max == 0) {
        return;
    }
    if (v < s->min || v > s->max) {
        char lo[32], hi[32], got[32];
        fmt_num(lo, sizeof(lo), s->min);
        fmt_num(hi, sizeof(hi), s->max);
        fmt_num(got, sizeof(got), v);
        if (s->min == s->max) {
            err(c, n, "%s must be %s, not %s", what, lo, got);
        } else {
            err(c, n, "%s must be between %s and %s, not %s", what, lo, hi,
                got);
        }
    }
}

static bool
color_valid(const char *s)
{
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 7 && n != 9)) {
        return false;
    }
    return strspn(s + 1, "0123456789abcdefABCDEF") == n - 1;
}

/* "*" segments (wildcards) are plain RFC 6901 tokens syntactically; their
 * meaning is given by the widget that reads the binding. */
bool
layout_spec_pointer_valid(const char *s)
{
    if (s[0] != '\0' && s[0] != '/') {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (*p == '~' && p[1] != '0' && p[1] != '1') {
            return false;
        }
    }
    return true;
}

static const struct spec_field binding_fields[] = {
    {"source", STR, true, "the source's name"},
    {"pointer", {.kind = SPEC_POINTER}, false, "RFC 6901 pointer into "
     "the payload (default: the whole payload)"},
    {"status", {.kind = SPEC_POINTER}, false, "pointer to the value's "
     "publication status (default for sdmx and worldbank sources: the "
     "\"status\" beside a pointer ending in /value)"},
    END,
};

/* A binding, with the extra keys of a series binding when extra != NULL. */
static void
check_binding_ext(const struct check_ctx *c, const cJSON *n, const char *what,
                  const struct spec_field *extra)
{
    size_t before = c->diags->errors;
    if (extra) {
        if (!cJSON_IsObject(n)) {
            err(c, n, "%s must be an object, not %s", what, type_name(n));
            return;
        }
        const struct spec_field *lists[2] = {binding_fields, extra};
        check_fields(c, n, lists, 2, what);
    } else {
        struct spec s = {.kind = SPEC_OBJECT, .fields = binding_fields};
        check_node(c, n, &s, what);
    }
    if ((size_t)c->diags->errors != before) {
        return;
    }
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(n, "source");
    if (!cJSON_GetObjectItemCaseSensitive(c->sources, src->valuestring)) {
        const char *names[256];
        int count = 0;
        for (const cJSON *k = c->sources ? c->sources->child : NULL;
             k && count < 256; k = k->next) {
            names[count++] = k->string;
        }
        const char *hint = layout_spec_suggest(src->valuestring, names, count);
        if (hint) {
            err(c, src, "undefined source \"%s\"; did you mean \"%s\"?",
                src->valuestring, hint);
        } else {
            err(c, src, "undefined source \"%s\" (define it under "
                "\"sources\")", src->valuestring);
        }
    }
}

static void
check_binding(const struct check_ctx *c, const cJSON *n, const char *what)
{
    check_binding_ext(c, n, what, NULL);
}

static void
check_fields(const struct check_ctx *c, const cJSON *obj,
             const struct spec_field *const *lists, int nlists,
             const char *what)
{
    const char *names[128];
    int count = 0;
    for (int l = 0; l < nlists; l++) {
        for (const struct spec_field *f = lists[l]; f->name && count < 128;
             f++) {
            names[count++] = f->name;
        }
    }
    for (const cJSON *m = obj->child; m; m = m->next) {
        const struct spec_field *field = NULL;
        for (int l = 0; l < nlists && !field; l++) {
            for (const struct spec_field *f = lists[l]; f->name; f++) {
                if (strcmp(f->name, m->string) == 0) {
                    field = f;
                    break;
                }
            }
        }
        if (!field) {
            const char *hint = layout_spec_suggest(m->string, names, count);
            struct src_pos pos = jsonc_key_pos(c->doc, m);
            if (hint) {
                diag_add(c->diags, DIAG_ERROR, pos, "unknown key \"%s\" in "
                         "%s; did you mean \"%s\"?", m->string, what, hint);
            } else {
                diag_add(c->diags, DIAG_ERROR, pos, "unknown key \"%s\" in %s",
                         m->string, what);
            }
            continue;
        }
        char *sub = xasprintf("%s.%s", what, m->string);
        check_node(c, m, &field->spec, sub);
        free(sub);
    }
    for (int l = 0; l < nlists; l++) {
        for (const struct spec_field *f = lists[l]; f->name; f++) {
            if (f->required && !cJSON_GetObjectItemCaseSensitive(obj, f->name)) {
                err(c, obj, "%s is missing required key \"%s\"", what,
                    f->name);
            }
        }
    }
}

static void
check_widget(const struct check_ctx *c, const cJSON *n, const char *what)
{
    if (!cJSON_IsObject(n)) {
        err(c, n, "%s must be an object, not %s", what, type_name(n));
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(n, "id");
    char *name = cJSON_IsString(id) ? xasprintf("widget \"%s\"",
                                                id->valuestring)
                                    : xstrdup(what);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(n, "type");
    const struct spec_widget_type *wt = NULL;
    if (cJSON_IsString(type)) {
        wt = layout_spec_widget_type(type->valuestring);
        if (!wt) {
            const char *names[32];
            int count = 0;
            for (const struct spec_widget_type *t = layout_spec_widget_types;
                 t->name; t++) {
                names[count++] = t->name;
            }
            const char *hint = layout_spec_suggest(type->valuestring, names,
                                                   count);
            if (hint) {
                err(c, type, "unknown widget type \"%s\"; did you mean "
                    "\"%s\"?", type->valuestring, hint);
            } else {
                err(c, type, "unknown widget type \"%s\" (known: kpi, text, "
                    "clock, ticker, image, health, line, bar, gauge, "
                    "progress, table, donut)", type->valuestring);
            }
            free(name);
            return; /* its other keys cannot be judged */
        }
    }
    const struct spec_field *lists[2] = {layout_spec_widget_common,
                                         wt ? wt->fields : NULL};
    check_fields(c, n, lists, wt ? 2 : 1, name);
    free(name);
}

static void
check_node(const struct check_ctx *c, const cJSON *n, const struct spec *s,
           const char *what)
{
    switch (s->kind) {
    case SPEC_STRING:
        if (!cJSON_IsString(n)) {
            err(c, n, "%s must be a string, not %s", what, type_name(n));
        }
        return;
    case SPEC_BOOL:
        if (!cJSON_IsBool(n)) {
            err(c, n, "%s must be true or false, not %s", what, type_name(n));
        }
        return;
    case SPEC_NUMBER:
        if (!cJSON_IsNumber(n)) {
            err(c, n, "%s must be a number, not %s", what, type_name(n));
            return;
        }
        check_range(c, n, s, what);
        return;
    case SPEC_INTEGER:
        if (!cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble)) {
            err(c, n, "%s must be a whole number, not %s", what,
                cJSON_IsNumber(n) ? "a fraction" : type_name(n));
            return;
        }
        check_range(c, n, s, what);
        return;
    case SPEC_ENUM: {
        if (!cJSON_IsString(n)) {
            err(c, n, "%s must be a string, not %s", what, type_name(n));
            return;
        }
        int count = 0;
        while (s->choices[count]) {
            count++;
        }
        for (int i = 0; i < count; i++) {
            if (strcmp(s->choices[i], n->valuestring) == 0) {
                return;
            }
        }
        char list[256] = "";
        for (int i = 0; i < count; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof(list) - used, "%s\"%s\"",
                     i ? ", " : "", s->choices[i]);
        }
        const char *hint = layout_spec_suggest(n->valuestring, s->choices,
                                               count);
        if (hint) {
            err(c, n, "%s: unknown value \"%s\"; did you mean \"%s\"?", what,
                n->valuestring, hint);
        } else {
            err(c, n, "%s must be one of %s, not \"%s\"", what, list,
                n->valuestring);
        }
        return;
    }
    case SPEC_OBJECT:
        if (!cJSON_IsObject(n)) {
            err(c, n, "%s must be an object, not %s", what, type_name(n));
            return;
        }
        check_fields(c, n, &s->fields, 1, what);
        return;
    case SPEC_ARRAY: {
        if (!cJSON_IsArray(n)) {
            err(c, n, "%s must be an array, not %s", what, type_name(n));
            return;
        }
        int count = cJSON_GetArraySize(n);
        if (count < s->min || (s->max > 0 && count > s->max)) {
            err(c, n, "%s must have between %.0f and %.0f items, not %d",
                what, s->min, s->max, count);
        }
        int i = 0;
        for (const cJSON *it = n->child; it; it = it->next, i++) {
            char *sub = xasprintf("%s[%d]", what, i);
            check_node(c, it, s->items, sub);
            free(sub);
        }
        return;
    }
    case SPEC_MAP:
        if (!cJSON_IsObject(n)) {
            err(c, n, "%s must be an object, not %s", what, type_name(n));
            return;
        }
        for (const cJSON *m = n->child; m; m = m->next) {
            char *sub = xasprintf("%s \"%s\"", what, m->string);
            if (m->string[0] == '\0') {
                diag_add(c->diags, DIAG_ERROR, jsonc_key_pos(c->doc, m),
                         "%s: empty name", what);
            }
            check_node(c, m, s->items, sub);
            free(sub);
        }
        return;
    case SPEC_CELL: {
        int count = cJSON_GetArraySize(n);
        bool ok = cJSON_IsArray(n) && count == 4;
        for (const cJSON *it = ok ? n->child : NULL; it; it = it->next) {
            if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble)
                || it->valuedouble < 0 || it->valuedouble > 100000) {
                ok = false;
            }
        }
        if (!ok) {
            err(c, n, "%s must be [col, row, colspan, rowspan] with whole "
                "numbers >= 0", what);
            return;
        }
        if (cJSON_GetArrayItem(n, 2)->valuedouble < 1 ||
            cJSON_GetArrayItem(n, 3)->valuedouble < 1) {
            err(c, n, "%s: colspan and rowspan must be at least 1", what);
        }
        return;
    }
    case SPEC_BINDING:
        check_binding(c, n, what);
        return;
    case SPEC_SERIES:
        check_binding_ext(c, n, what, s->fields);
        return;
    case SPEC_VALUE:
        if (cJSON_IsNumber(n) || cJSON_IsNull(n)) {
            return;
        }
        if (cJSON_IsObject(n)) {
            check_binding(c, n, what);
            return;
        }
        err(c, n, "%s must be a number, null or a binding {\"source\": ..., "
            "\"pointer\": ...}, not %s", what, type_name(n));
        return;
    case SPEC_TEXT:
        if (cJSON_IsString(n)) {
            return;
        }
        if (cJSON_IsObject(n)) {
            check_binding(c, n, what);
            return;
        }
        err(c, n, "%s must be a string or a binding, not %s", what,
            type_name(n));
        return;
    case SPEC_COLOR:
        if (!cJSON_IsString(n) || !color_valid(n->valuestring)) {
            err(c, n, "%s must be a colour \"#RRGGBB\" or \"#RRGGBBAA\"", what);
        }
        return;
    case SPEC_DURATION: {
        int64_t ms;
        if (!cJSON_IsString(n) || !time_parse_duration(n->valuestring, &ms)) {
            err(c, n, "%s must be a duration such as \"30s\", \"5m\", \"2h\"",
                what);
        } else if (ms == 0) {
            err(c, n, "%s must be longer than zero", what);
        } else if (s->max > 0 && (double)ms > s->max) {
            err(c, n, "%s must be at most %gms", what, s->max);
        }
        return;
    }
    case SPEC_SIZE: {
        int64_t b;
        if (!cJSON_IsString(n) || !file_parse_size(n->valuestring, &b)) {
            err(c, n, "%s must be a size such as \"500MB\" or \"2GiB\"",
                what);
        } else if ((double)b < s->min) {
            err(c, n, "%s must be at least %gMiB", what, s->min / 1048576);
        }
        return;
    }
    case SPEC_POINTER:
        if (!cJSON_IsString(n)) {
            err(c, n, "%s must be a string, not %s", what, type_name(n));
        } else if (!layout_spec_pointer_valid(n->valuestring)) {
            err(c, n, "%s: \"%s\" is not a JSON Pointer (it starts with '/', "
                "and '~' is written ~0, '/' in a name ~1)", what,
                n->valuestring);
        }
        return;
    case SPEC_WIDGET:
        check_widget(c, n, what);
        return;
    }
}

void
layout_spec_check(const struct jsonc_doc *doc, const cJSON *node,
                  const struct spec *spec, const cJSON *sources,
                  const char *what, struct diag_list *diags)
{
    struct check_ctx c = {doc, cJSON_IsObject(sources) ? sources : NULL,
                          diags};
    check_node(&c, node, spec, what);
}

/* ---- JSON Schema ----------------------------------------------------- */

static cJSON *schema_of(const struct spec *s);

/* {"type": "string", "pattern": re}. */
static cJSON *
string_pattern(const char *re)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "string");
    cJSON_AddStringToObject(o, "pattern", re);
    return o;
}

static cJSON *
schema_binding(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "$ref", "#/$defs/binding");
    return o;
}

static cJSON *
schema_object(const struct spec_field *const *lists, int nlists,
              const char *type_const)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    cJSON *req = cJSON_CreateArray();
    for (int l = 0; l < nlists; l++) {
        for (const struct spec_field *f = lists[l]; f->name; f++) {
            cJSON *p;
            if (type_const && strcmp(f->name, "type") == 0) {
                p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "const", type_const);
            } else {
                p = schema_of(&f->spec);
            }
            if (f->doc) {
                cJSON_AddStringToObject(p, "description", f->doc);
            }
            cJSON_AddItemToObject(props, f->name, p);
            if (f->required) {
                cJSON_AddItemToArray(req, cJSON_CreateString(f->name));
            }
        }
    }
    if (cJSON_GetArraySize(req) > 0) {
        cJSON_AddItemToObject(o, "required", req);
    } else {
        cJSON_Delete(req);
    }
    cJSON_AddFalseToObject(o, "additionalProperties");
    return o;
}

static cJSON *
schema_of(const struct spec *s)
{
    cJSON *o;
    switch (s->kind) {
    case SPEC_STRING:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "string");
        return o;
    case SPEC_BOOL:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "boolean");
        return o;
    case SPEC_NUMBER:
    case SPEC_INTEGER:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", s->kind == SPEC_NUMBER ? "number"
                                                                 : "integer");
        if (s->min != 0 || s->max != 0) {
            cJSON_AddNumberToObject(o, "minimum", s->min);
            cJSON_AddNumberToObject(o, "maximum", s->max);
        }
        return o;
    case SPEC_ENUM: {
        o = cJSON_CreateObject();
        cJSON *e = cJSON_AddArrayToObject(o, "enum");
        for (const char *const *c = s->choices; *c; c++) {
            cJSON_AddItemToArray(e, cJSON_CreateString(*c));
        }
        return o;
    }
    case SPEC_OBJECT:
        return schema_object(&s->fields, 1, NULL);
    case SPEC_ARRAY:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "array");
        cJSON_AddItemToObject(o, "items", schema_of(s->items));
        cJSON_AddNumberToObject(o, "minItems", s->min);
        cJSON_AddNumberToObject(o, "maxItems", s->max);
        return o;
    case SPEC_MAP:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "object");
        cJSON_AddItemToObject(o, "additionalProperties", schema_of(s->items));
        return o;
    case SPEC_CELL:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "$ref", "#/$defs/cell");
        return o;
    case SPEC_BINDING:
        return schema_binding();
    case SPEC_SERIES: {
        const struct spec_field *lists[2] = {binding_fields, s->fields};
        return schema_object(lists, 2, NULL);
    }
    case SPEC_VALUE:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "$ref", "#/$defs/value");
        return o;
    case SPEC_TEXT:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "$ref", "#/$defs/text");
        return o;
    case SPEC_COLOR:
        return string_pattern("^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$");
    case SPEC_DURATION:
        return string_pattern("^[0-9]+(ms|s|m|min|h|d)$");
    case SPEC_SIZE:
        return string_pattern("^[0-9]+(B|kB|KiB|MB|MiB|GB|GiB|TB|TiB)$");
    case SPEC_POINTER:
        return string_pattern("^(/([^~]|~[01])*)*$");
    case SPEC_WIDGET: {
        o = cJSON_CreateObject();
        cJSON *one = cJSON_AddArrayToObject(o, "oneOf");
        for (const struct spec_widget_type *t = layout_spec_widget_types;
             t->name; t++) {
            const struct spec_field *lists[2] = {layout_spec_widget_common,
                                                 t->fields};
            cJSON *w = schema_object(lists, 2, t->name);
            cJSON_AddStringToObject(w, "description", t->doc);
            cJSON_AddItemToArray(one, w);
        }
        return o;
    }
    }
    return cJSON_CreateObject();
}

char *
layout_spec_json_schema(void)
{
    cJSON *root = schema_of(&layout_spec_root);
    cJSON *top = cJSON_CreateObject();
    cJSON_AddStringToObject(top, "$schema",
                            "https://json-schema.org/draft/2020-12/schema");
    cJSON_AddStringToObject(top, "title", "opswall layout, version 1");
    cJSON_AddStringToObject(top, "description",
                            "Generated by `opswall schema` from "
                            "src/layout/layout_spec.c; do not edit by hand. "
                            "Layout files may contain // and /* */ comments, "
                            "which must be stripped before validating with "
                            "a plain JSON Schema tool.");
    for (cJSON *it = root->child; it;) {
        cJSON *next = it->next;
        cJSON_AddItemToObject(top, it->string,
                              cJSON_DetachItemViaPointer(root, it));
        it = next;
    }
    cJSON_Delete(root);

    cJSON *defs = cJSON_AddObjectToObject(top, "$defs");
    cJSON *binding = cJSON_AddObjectToObject(defs, "binding");
    cJSON_AddStringToObject(binding, "type", "object");
    cJSON *bp = cJSON_AddObjectToObject(binding, "properties");
    cJSON *bs = cJSON_AddObjectToObject(bp, "source");
    cJSON_AddStringToObject(bs, "type", "string");
    struct spec ptr = {.kind = SPEC_POINTER};
    cJSON_AddItemToObject(bp, "pointer", schema_of(&ptr));
    cJSON *breq = cJSON_AddArrayToObject(binding, "required");
    cJSON_AddItemToArray(breq, cJSON_CreateString("source"));
    cJSON_AddFalseToObject(binding, "additionalProperties");

    cJSON *cell = cJSON_AddObjectToObject(defs, "cell");
    cJSON_AddStringToObject(cell, "type", "array");
    cJSON *ci = cJSON_AddObjectToObject(cell, "items");
    cJSON_AddStringToObject(ci, "type", "integer");
    cJSON_AddNumberToObject(ci, "minimum", 0);
    cJSON_AddNumberToObject(cell, "minItems", 4);
    cJSON_AddNumberToObject(cell, "maxItems", 4);

    cJSON *value = cJSON_AddObjectToObject(defs, "value");
    cJSON *vo = cJSON_AddArrayToObject(value, "oneOf");
    cJSON *vn = cJSON_CreateObject();
    cJSON_AddStringToObject(vn, "type", "number");
    cJSON_AddItemToArray(vo, vn);
    cJSON *vnull = cJSON_CreateObject();
    cJSON_AddStringToObject(vnull, "type", "null");
    cJSON_AddItemToArray(vo, vnull);
    cJSON_AddItemToArray(vo, schema_binding());

    cJSON *text = cJSON_AddObjectToObject(defs, "text");
    cJSON *to = cJSON_AddArrayToObject(text, "oneOf");
    cJSON *ts = cJSON_CreateObject();
    cJSON_AddStringToObject(ts, "type", "string");
    cJSON_AddItemToArray(to, ts);
    cJSON_AddItemToArray(to, schema_binding());

    char *out = cJSON_Print(top);
    cJSON_Delete(top);
    char *copy = xasprintf("%s\n", out);
    cJSON_free(out);
    return copy;
}
