/*
 * jsonc: JSON with // and slash-star comments, parsed into a cJSON tree
 * that remembers where each value (and each object key) was in the file.
 *
 * Any input, however broken, yields either a document or diagnostics with
 * a line and column; nesting is capped (JSONC_MAX_DEPTH) and so is size
 * (JSONC_MAX_BYTES).  Single-threaded; a document is immutable once made.
 */
#ifndef OPSWALL_JSONC_H
#define OPSWALL_JSONC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "layout/diag.h"

#define JSONC_MAX_DEPTH 64
#define JSONC_MAX_BYTES (4u << 20)

struct jsonc_doc;

/* Parses text[0..len).  On a syntax error adds diagnostics, returns NULL. */
struct jsonc_doc *jsonc_parse(const char *text, size_t len,
                              struct diag_list *diags);
void jsonc_destroy(struct jsonc_doc *doc);

const cJSON *jsonc_root(const struct jsonc_doc *doc);
/* Where the value starts; {0,0} for a node not from this document. */
struct src_pos jsonc_pos(const struct jsonc_doc *doc, const cJSON *node);
/* Where the member's key starts (the value's position if not a member). */
struct src_pos jsonc_key_pos(const struct jsonc_doc *doc, const cJSON *node);

#endif
