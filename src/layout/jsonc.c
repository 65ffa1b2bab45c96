/*
 * jsonc: comment stripping, a strict syntax scanner, and cJSON.
 *
 * Design: cJSON builds the tree but reports neither where values are nor
 * why a document is malformed beyond one pointer.  Technicians need
 * "FILE:LINE:COL: expected ',' or '}'", so this module first blanks the
 * comments (keeping every offset and newline), then runs its own small
 * recursive-descent scanner that checks the syntax with precise messages
 * (trailing commas, bad escapes, invalid UTF-8, duplicate keys, depth) and
 * records, in document order, where each value and key starts.  Only valid
 * text reaches cJSON; its tree is walked in pre-order, which is document
 * order, and zipped with the recorded positions into a pointer-keyed hash.
 */
#include "layout/jsonc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct pos_rec {
    size_t value_off;
    size_t key_off; /* SIZE_MAX when not an object member */
};

struct pos_slot {
    const cJSON *node;
    struct pos_rec rec;
};

struct jsonc_doc {
    cJSON *root;
    char *text;           /* comment-blanked copy, for line/col lookups */
    size_t len;
    size_t *line_starts;  /* offsets where each line begins */
    size_t nlines;
    struct pos_slot *slots; /* open addressing, power-of-two size */
    size_t nslots;
};

/* ---- scanning ---------------------------------------------------------- */

struct scanner {
    const char *s;
    size_t len, i;
    int depth;
    struct diag_list *diags;
    const struct jsonc_doc *doc; /* for line/col of errors */
    struct pos_rec *recs;
    size_t nrecs, caprecs;
    bool failed;
};

static struct src_pos offset_pos(const struct jsonc_doc *doc, size_t off);

static void
fail(struct scanner *sc, size_t off, const char *msg, const char *detail)
{
    if (sc->failed) {
        return;
    }
    sc->failed = true;
    if (detail) {
        diag_add(sc->diags, DIAG_ERROR, offset_pos(sc->doc, off), "%s%s", msg,
                 detail);
    } else {
        diag_add(sc->diags, DIAG_ERROR, offset_pos(sc->doc, off), "%s", msg);
    }
}

static void
skip_ws(struct scanner *sc)
{
    while (sc->i < sc->len) {
        char c = sc->s[sc->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
        sc->i++;
    }
}

static void
record(struct scanner *sc, size_t value_off, size_t key_off)
{
    if (sc->nrecs == sc->caprecs) {
        sc->caprecs = sc->caprecs ? sc->caprecs * 2 : 64;
        sc->recs = xreallocarray(sc->recs, sc->caprecs, sizeof(*sc->recs));
    }
    sc->recs[sc->nrecs++] = (struct pos_rec){value_off, key_off};
}

/* Length of a valid UTF-8 sequence at p (max n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80) {
        return 1;
    }
    size_t len;
    uint32_t cp;
    if ((p[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = p[0] & 0x1F;
    } else if ((p[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = p[0] & 0x0F;
    } else if ((p[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

static bool
scan_string(struct scanner *sc)
{
    size_t start = sc->i++;
    while (sc->i < sc->len) {
        unsigned char c = (unsigned char)sc->s[sc->i];
        if (c == '"') {
            sc->i++;
            return true;
        }
        if (c == '\\') {
            if (sc->i + 1 >= sc->len) {
                break;
            }
            char e = sc->s[sc->i + 1];
            if (e == 'u') {
                for (int k = 2; k < 6; k++) {
                    char h = sc->i + k < sc->len ? sc->s[sc->i + k] : '\0';
                    bool hex = (h >= '0' && h <= '9') ||
                               (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
                    if (!hex) {
                        fail(sc, sc->i, "invalid \\u escape: four hex digits "
                             "expected", NULL);
                        return false;
                    }
                }
                sc->i += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                fail(sc, sc->i, "invalid escape in string", NULL);
                return false;
            }
            sc->i += 2;
            continue;
        }
        if (c < 0x20) {
            fail(sc, sc->i, c == '\n' ? "unterminated string (strings cannot "
                 "span lines)" : "control character in string", NULL);
            return false;
        }
        size_t n = utf8_seq((const unsigned char *)sc->s + sc->i,
                            sc->len - sc->i);
        if (n == 0) {
            fail(sc, sc->i, "invalid UTF-8 in string (save the file as "
                 "UTF-8)", NULL);
            return false;
        }
        sc->i += n;
    }
    fail(sc, start, "unterminated string", NULL);
    return false;
}

static bool
scan_number(struct scanner *sc)
{
    size_t start = sc->i;
    const char *s = sc->s;
    size_t i = sc->i;
    if (i < sc->len && s[i] == '-') {
        i++;
    }
    if (i < sc->len && s[i] == '0') {
        i++;
    } else if (i < sc->len && s[i] >= '1' && s[i] <= '9') {
        while (i < sc->len && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    } else {
        fail(sc, start, "invalid number", NULL);
        return false;
    }
    if (i < sc->len && s[i] == '.') {
        i++;
        if (i >= sc->len || s[i] < '0' || s[i] > '9') {
            fail(sc, start, "invalid number: digits expected after '.'", NULL);
            return false;
        }
        while (i < sc->len && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }
    if (i < sc->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < sc->len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (i >= sc->len || s[i] < '0' || s[i] > '9') {
            fail(sc, start, "invalid number: digits expected in exponent",
                 NULL);
            return false;
        }
        while (i < sc->len && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }
    if (i < sc->len && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
                        (s[i] >= 'a' && s[i] <= 'z') ||
                        (s[i] >= 'A' && s[i] <= 'Z'))) {
        fail(sc, start, "invalid number (JSON numbers use '.' for decimals, "
             "no leading zeros, no units)", NULL);
        return false;
    }
    sc->i = i;
    return true;
}

static bool scan_value(struct scanner *sc, size_t key_off);

static const char *
describe(const struct scanner *sc)
{
    if (sc->i >= sc->len) {
        return "end of file";
    }
    return NULL;
}

static void
fail_expected(struct scanner *sc, const char *what)
{
    const char *got = describe(sc);
    char detail[64];
    if (got) {
        snprintf(detail, sizeof(detail), ", found %s", got);
    } else {
        unsigned char c = (unsigned char)sc->s[sc->i];
        if (c >= 0x20 && c < 0x7F) {
            snprintf(detail, sizeof(detail), ", found '%c'", c);
        } else {
            snprintf(detail, sizeof(detail), ", found byte 0x%02X", c);
        }
    }
    char msg[128];
    snprintf(msg, sizeof(msg), "expected %s", what);
    fail(sc, sc->i, msg, detail);
}

/* Keys of the object being scanned, to report duplicates. */
struct keyset {
    const char **starts;
    size_t *lens;
    size_t n, cap;
};

static bool
keyset_add(struct keyset *ks, const char *start, size_t len)
{
    for (size_t k = 0; k < ks->n; k++) {
        if (ks->lens[k] == len && memcmp(ks->starts[k], start, len) == 0) {
            return false;
        }
    }
    if (ks->n == ks->cap) {
        ks->cap = ks->cap ? ks->cap * 2 : 8;
        ks->starts = xreallocarray(ks->starts, ks->cap, sizeof(*ks->starts));
        ks->lens = xreallocarray(ks->lens, ks->cap, sizeof(*ks->lens));
    }
    ks->starts[ks->n] = start;
    ks->lens[ks->n++] = len;
    return true;
}

static bool
scan_object(struct scanner *sc)
{
    sc->i++; /* '{' */
    struct keyset ks = {0};
    bool ok = false;
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == '}') {
        sc->i++;
        ok = true;
        goto out;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->i >= sc->len || sc->s[sc->i] != '"') {
            if (sc->i < sc->len && sc->s[sc->i] == '}') {
                fail(sc, sc->i, "trailing comma before '}' is not allowed",
                     NULL);
            } else {
                fail_expected(sc, "a quoted key");
            }
            goto out;
        }
        size_t key_off = sc->i;
        if (!scan_string(sc)) {
            goto out;
        }
        if (!keyset_add(&ks, sc->s + key_off, sc->i - key_off)) {
            char msg[160];
            int klen = (int)(sc->i - key_off);
            snprintf(msg, sizeof(msg), "duplicate key %.*s",
                     klen > 100 ? 100 : klen, sc->s + key_off);
            fail(sc, key_off, msg, NULL);
            goto out;
        }
        skip_ws(sc);
        if (sc->i >= sc->len || sc->s[sc->i] != ':') {
            fail_expected(sc, "':' after key");
            goto out;
        }
        sc->i++;
        skip_ws(sc);
        if (!scan_value(sc, key_off)) {
            goto out;
        }
        skip_ws(sc);
        if (sc->i < sc->len && sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        if (sc->i < sc->len && sc->s[sc->i] == '}') {
            sc->i++;
            ok = true;
            goto out;
        }
        fail_expected(sc, "',' or '}'");
        goto out;
    }
out:
    free(ks.starts);
    free(ks.lens);
    return ok;
}

static bool
scan_array(struct scanner *sc)
{
    sc->i++; /* '[' */
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == ']') {
        sc->i++;
        return true;
    }
    for (;;) {
        skip_ws(sc);
        if (sc->i < sc->len && sc->s[sc->i] == ']') {
            fail(sc, sc->i, "trailing comma before ']' is not allowed", NULL);
            return false;
        }
        if (!scan_value(sc, SIZE_MAX)) {
            return false;
        }
        skip_ws(sc);
        if (sc->i < sc->len && sc->s[sc->i] == ',') {
            sc->i++;
            continue;
        }
        if (sc->i < sc->len && sc->s[sc->i] == ']') {
            sc->i++;
            return true;
        }
        fail_expected(sc, "',' or ']'");
        return false;
    }
}

static bool
scan_literal(struct scanner *sc, const char *word)
{
    size_t n = strlen(word);
    if (sc->len - sc->i >= n && memcmp(sc->s + sc->i, word, n) == 0) {
        sc->i += n;
        return true;
    }
    fail_expected(sc, "a value (object, array, string, number, true, "
                  "false or null)");
    return false;
}

static bool
scan_value(struct scanner *sc, size_t key_off)
{
    if (sc->i >= sc->len) {
        fail_expected(sc, "a value");
        return false;
    }
    record(sc, sc->i, key_off);
    char c = sc->s[sc->i];
    bool ok;
    switch (c) {
    case '{':
    case '[':
        if (++sc->depth > JSONC_MAX_DEPTH) {
            fail(sc, sc->i, "nesting too deep (more than 64 levels)", NULL);
            return false;
        }
        ok = c == '{' ? scan_object(sc) : scan_array(sc);
        sc->depth--;
        return ok;
    case '"':
        return scan_string(sc);
    case 't':
        return scan_literal(sc, "true");
    case 'f':
        return scan_literal(sc, "false");
    case 'n':
        return scan_literal(sc, "null");
    case '\'':
        fail(sc, sc->i, "strings take double quotes, not single quotes", NULL);
        return false;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            return scan_number(sc);
        }
        fail_expected(sc, "a value (object, array, string, number, true, "
                      "false or null)");
        return false;
    }
}

/* Replaces comments by spaces, keeping newlines so positions stay true. */
static bool
blank_comments(char *s, size_t len, struct scanner *sc)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (in_string) {
            if (s[i] == '\\') {
                i++;
            } else if (s[i] == '"' || s[i] == '\n') {
                in_string = false;
            }
            continue;
        }
        if (s[i] == '"') {
            in_string = true;
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
            while (i < len && s[i] != '\n') {
                s[i++] = ' ';
            }
        } else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
            size_t start = i;
            s[i++] = ' ';
            s[i++] = ' ';
            while (i < len && !(s[i] == '*' && i + 1 < len && s[i + 1] == '/')) {
                if (s[i] != '\n') {
                    s[i] = ' ';
                }
                i++;
            }
            if (i >= len) {
                fail(sc, start, "unterminated comment", NULL);
                return false;
            }
            s[i++] = ' ';
            s[i] = ' ';
        } else if (s[i] == '/') {
            fail(sc, i, "stray '/': comments start with // or /*", NULL);
            return false;
        }
    }
    return true;
}

/* ---- positions ---------------------------------------------------------- */

static struct src_pos
offset_pos(const struct jsonc_doc *doc, size_t off)
{
    /* Binary search for the line, then count code points for the column. */
    size_t lo = 0, hi = doc->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (doc->line_starts[mid] <= off) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    int col = 1;
    for (size_t i = doc->line_starts[lo]; i < off && i < doc->len; i++) {
        if (((unsigned char)doc->text[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    return (struct src_pos){(int)lo + 1, col};
}

static size_t
hash_ptr(const void *p, size_t mask)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 16) & mask;
}

static void
slot_put(struct jsonc_doc *doc, const cJSON *node, struct pos_rec rec)
{
    size_t mask = doc->nslots - 1;
    size_t h = hash_ptr(node, mask);
    while (doc->slots[h].node) {
        h = (h + 1) & mask;
    }
    doc->slots[h] = (struct pos_slot){node, rec};
}

static const struct pos_rec *
slot_get(const struct jsonc_doc *doc, const cJSON *node)
{
    if (!doc->slots || !node) {
        return NULL;
    }
    size_t mask = doc->nslots - 1;
    for (size_t h = hash_ptr(node, mask); doc->slots[h].node;
         h = (h + 1) & mask) {
        if (doc->slots[h].node == node) {
            return &doc->slots[h].rec;
        }
    }
    return NULL;
}

static void
zip_positions(struct jsonc_doc *doc, const cJSON *node,
              const struct pos_rec *recs, size_t nrecs, size_t *next)
{
    if (*next >= nrecs) {
        return;
    }
    slot_put(doc, node, recs[(*next)++]);
    for (const cJSON *c = node->child; c; c = c->next) {
        zip_positions(doc, c, recs, nrecs, next);
    }
}

struct jsonc_doc *
jsonc_parse(const char *text, size_t len, struct diag_list *diags)
{
    struct jsonc_doc *doc = xcalloc(1, sizeof(*doc));
    doc->text = xstrndup(text, len);
    doc->len = len;
    size_t cap = 64;
    doc->line_starts = xmalloc(cap * sizeof(size_t));
    doc->line_starts[doc->nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            if (doc->nlines == cap) {
                cap *= 2;
                doc->line_starts = xreallocarray(doc->line_starts, cap,
                                                 sizeof(size_t));
            }
            doc->line_starts[doc->nlines++] = i + 1;
        }
    }

    struct scanner sc = {.s = doc->text, .len = len, .diags = diags,
                         .doc = doc};
    if (len > JSONC_MAX_BYTES) {
        fail(&sc, 0, "file too large (over 4 MiB)", NULL);
        goto fail;
    }
    if (memchr(text, '\0', len)) {
        fail(&sc, (size_t)((const char *)memchr(text, '\0', len) - text),
             "NUL byte in file (not a text file?)", NULL);
        goto fail;
    }
    /* A UTF-8 byte order mark is harmless; skip it. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        memset(doc->text, ' ', 3);
    }
    if (!blank_comments(doc->text, len, &sc)) {
        goto fail;
    }
    skip_ws(&sc);
    if (sc.i >= len) {
        fail(&sc, sc.i, "empty file: a layout is a JSON object", NULL);
        goto fail;
    }
    if (!scan_value(&sc, SIZE_MAX)) {
        goto fail;
    }
    skip_ws(&sc);
    if (sc.i < len) {
        fail(&sc, sc.i, "unexpected text after the end of the document", NULL);
        goto fail;
    }

    doc->root = cJSON_ParseWithLength(doc->text, len);
    if (!doc->root) {
        /* The scanner accepts only what cJSON accepts; reaching here is a
         * bug, but still an error for the user rather than a crash. */
        fail(&sc, 0, "the JSON parser rejected the document", NULL);
        goto fail;
    }
    doc->nslots = 16;
    while (doc->nslots < sc.nrecs * 2) {
        doc->nslots *= 2;
    }
    doc->slots = xcalloc(doc->nslots, sizeof(*doc->slots));
    size_t next = 0;
    zip_positions(doc, doc->root, sc.recs, sc.nrecs, &next);
    free(sc.recs);
    return doc;

fail:
    free(sc.recs);
    jsonc_destroy(doc);
    return NULL;
}

void
jsonc_destroy(struct jsonc_doc *doc)
{
    if (!doc) {
        return;
    }
    cJSON_Delete(doc->root);
    free(doc->text);
    free(doc->line_starts);
    free(doc->slots);
    free(doc);
}

const cJSON *
jsonc_root(const struct jsonc_doc *doc)
{
    return doc->root;
}

struct src_pos
jsonc_pos(const struct jsonc_doc *doc, const cJSON *node)
{
    const struct pos_rec *r = slot_get(doc, node);
    return r ? offset_pos(doc, r->value_off) : (struct src_pos){0, 0};
}

struct src_pos
jsonc_key_pos(const struct jsonc_doc *doc, const cJSON *node)
{
    const struct pos_rec *r = slot_get(doc, node);
    if (!r) {
        return (struct src_pos){0, 0};
    }
    return offset_pos(doc, r->key_off != SIZE_MAX ? r->key_off : r->value_off);
}
