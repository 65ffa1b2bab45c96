/*
 * layout_spec: the layout file's schema, as data.
 *
 * One table describes every key of the format: the validator walks it to
 * report unknown keys ("did you mean ..."), wrong types and ranges, and
 * layout_spec_json_schema() turns the same table into layouts/schema.json,
 * so the published schema cannot drift from what the parser accepts (a
 * test compares them).  Pure data and pure functions; any thread.
 */
#ifndef OPSWALL_LAYOUT_SPEC_H
#define OPSWALL_LAYOUT_SPEC_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "layout/diag.h"
#include "layout/jsonc.h"

enum spec_kind {
    SPEC_STRING,
    SPEC_NUMBER,
    SPEC_INTEGER,
    SPEC_BOOL,
    SPEC_ENUM,      /* one of `choices` */
    SPEC_OBJECT,    /* fixed keys: `fields` */
    SPEC_ARRAY,     /* of `items`; count within [min, max] */
    SPEC_MAP,       /* free keys, values of `items` */
    SPEC_CELL,      /* [col, row, colspan, rowspan] */
    SPEC_BINDING,   /* {"source": NAME, "pointer": "/a/b"} */
    SPEC_SERIES,    /* a binding with the extra keys in `fields` */
    SPEC_VALUE,     /* a number, null or a binding */
    SPEC_TEXT,      /* a string or a binding */
    SPEC_COLOR,     /* "#RRGGBB" or "#RRGGBBAA" */
    SPEC_DURATION,  /* "500ms", "30s", "5m", "2h", "1d" */
    SPEC_SIZE,      /* "500MB", "2GiB" (base/file.h); at least `min` */
    SPEC_POINTER,   /* an RFC 6901 JSON Pointer */
    SPEC_WIDGET,    /* an object whose fields depend on its "type" */
};

struct spec_field;

struct spec {
    enum spec_kind kind;
    double min, max;                 /* range, or item count for arrays */
    const char *const *choices;      /* SPEC_ENUM, NULL-terminated */
    const struct spec_field *fields; /* SPEC_OBJECT, ends at name NULL */
    const struct spec *items;        /* SPEC_ARRAY, SPEC_MAP */
};

struct spec_field {
    const char *name;
    struct spec spec;
    bool required;
    const char *doc;
};

struct spec_widget_type {
    const char *name;
    const struct spec_field *fields; /* besides the common ones */
    const char *doc;
};

/* The whole document. */
extern const struct spec layout_spec_root;
/* Fields every widget has (id, type, cell, title). */
extern const struct spec_field layout_spec_widget_common[];
/* Widget types, ending at name NULL. */
extern const struct spec_widget_type layout_spec_widget_types[];

const struct spec_widget_type *layout_spec_widget_type(const char *name);

/*
 * Checks node against spec, adding a diagnostic for each problem.
 * sources: the document's "sources" object (or NULL) to check bindings.
 * what: a noun for messages ("wall", "widget \"gdp\"").
 */
void layout_spec_check(const struct jsonc_doc *doc, const cJSON *node,
                       const struct spec *spec, const cJSON *sources,
                       const char *what, struct diag_list *diags);

/* Returns the closest of `names` to `word` if close enough, else NULL. */
const char *layout_spec_suggest(const char *word, const char *const *names,
                                int count);

/* Builds the JSON Schema (draft 2020-12) of the format; caller frees. */
char *layout_spec_json_schema(void);

/* True if s is a syntactically valid RFC 6901 pointer. */
bool layout_spec_pointer_valid(const char *s);

#endif
