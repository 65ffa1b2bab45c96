/*
 * test_layout: the layout loader and validator.
 *  - every fixture in tests/layouts/bad/ fails to load and reports, among
 *    its diagnostics, exactly the one its last line announces
 *    ("// expect: LINE:COL: error: message");
 *  - every fixture in tests/layouts/warn/ loads and reports its expected
 *    warning;
 *  - shipped layouts load with no error and no warning;
 *  - table-driven checks of positions, suggestions and the model.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "layout/layout.h"
#include "layout/layout_spec.h"
#include "testlib.h"

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = xmalloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* The text after "// expect: " on the file's last line. */
static char *
expectation(const char *text)
{
    const char *p = strstr(text, "// expect: ");
    const char *last = NULL;
    while (p) {
        last = p;
        p = strstr(p + 1, "// expect: ");
    }
    if (!last) {
        return NULL;
    }
    last += strlen("// expect: ");
    size_t n = strcspn(last, "\n");
    return xstrndup(last, n);
}

static bool
has_diag(const struct diag_list *d, const char *want)
{
    for (size_t i = 0; i < d->count; i++) {
        char *s = diag_format(d, &d->items[i]);
        /* Compare without the "FILE:" prefix. */
        const char *rest = s + strlen(d->file) + 1;
        bool eq = strcmp(rest, want) == 0;
        free(s);
        if (eq) {
            return true;
        }
    }
    return false;
}

static void
dump(const struct diag_list *d)
{
    for (size_t i = 0; i < d->count; i++) {
        char *s = diag_format(d, &d->items[i]);
        fprintf(stderr, "    got: %s\n", s);
        free(s);
    }
}

static int
run_dir(const char *dir, bool expect_fail)
{
    DIR *dp = opendir(dir);
    CHECK(dp != NULL, "cannot open %s", dir);
    if (!dp) {
        return 0;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
            continue;
        }
        char *path = xasprintf("%s/%s", dir, e->d_name);
        size_t tlen;
        char *text = read_all(path, &tlen);
        char *want = text ? expectation(text) : NULL;
        CHECK(want != NULL, "%s has no // expect: line", path);
        struct diag_list d;
        diag_list_init(&d, path);
        struct layout *l = layout_load(path, &d);
        if (expect_fail) {
            CHECK(l == NULL, "%s loaded but should not", path);
        } else {
            CHECK(l != NULL, "%s failed to load", path);
        }
        if (want) {
            bool ok = has_diag(&d, want);
            CHECK(ok, "%s: missing diagnostic \"%s\"", path, want);
            if (!ok) {
                dump(&d);
            }
        }
        layout_destroy(l);
        diag_list_fini(&d);
        free(want);
        free(text);
        free(path);
        n++;
    }
    closedir(dp);
    return n;
}

static void
test_clean(const char *path)
{
    struct diag_list d;
    diag_list_init(&d, path);
    struct layout *l = layout_load(path, &d);
    CHECK(l != NULL && d.errors == 0 && d.warnings == 0,
          "%s: %d errors, %d warnings", path, d.errors, d.warnings);
    if (d.count) {
        dump(&d);
    }
    layout_destroy(l);
    diag_list_fini(&d);
}

static void
test_model(void)
{
    static const char text[] =
        "{\"opswall\": 1, // comment\n"
        " \"wall\": {\"columns\": 2, \"rows\": 2, \"width\": 200, "
        "\"height\": 100, \"mullion\": {\"x\": 4, \"y\": 2}},\n"
        " \"grid\": {\"columns\": 2, \"rows\": 2, \"gap\": 0, \"margin\": 0},\n"
        " /* block\n comment */ \"scenes\": [{\"id\": \"s\", \"widgets\": [\n"
        "  {\"id\": \"t\", \"type\": \"text\", \"cell\": [1, 1, 1, 1], "
        "\"text\": \"x\"}]}],\n"
        " \"record\": {\"dir\": \"rec\", \"keep\": \"7d\", "
        "\"max_size\": \"500MB\"}}\n";
    struct diag_list d;
    diag_list_init(&d, "mem");
    struct layout *l = layout_load_buffer("/tmp/x/mem.json", text,
                                          strlen(text), &d);
    CHECK(l != NULL, "model layout loads");
    if (!l) {
        dump(&d);
        diag_list_fini(&d);
        return;
    }
    CHECK(l->wall.canvas_w == 404 && l->wall.canvas_h == 202,
          "canvas %dx%d", l->wall.canvas_w, l->wall.canvas_h);
    struct rect r = l->scenes[0].widgets[0].rect;
    CHECK(r.x == 202 && r.y == 101 && r.w == 202 && r.h == 101,
          "cell rect %d,%d %dx%d", r.x, r.y, r.w, r.h);
    CHECK(l->utc_offset_min == 420, "default offset %d", l->utc_offset_min);
    CHECK(l->locale == LAYOUT_LOCALE_VI_VN, "default locale vi-VN");
    CHECK_STR(l->dir, "/tmp/x");
    CHECK_STR(l->record.dir, "/tmp/x/rec");
    CHECK(l->record.keep_ms == 7 * 86400000ll, "keep %lld",
          (long long)l->record.keep_ms);
    CHECK(l->record.max_bytes == 500000000, "max_size %lld",
          (long long)l->record.max_bytes);
    char *p = layout_resolve_path(l, "a/b.png");
    CHECK_STR(p, "/tmp/x/a/b.png");
    free(p);
    /* The text widget crosses the mullion between the display rows. */
    CHECK(d.warnings == 1, "one mullion warning, got %d", d.warnings);
    layout_destroy(l);
    diag_list_fini(&d);
}

static void
test_suggest(void)
{
    static const char *const names[] = {"title", "cell", "type", "value"};
    static const struct {
        const char *word, *want;
    } cases[] = {
        {"titel", "title"}, {"tilte", "title"}, {"cel", "cell"},
        {"valeu", "value"}, {"xyzzy", NULL},   {"t", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = layout_spec_suggest(cases[i].word, names, 4);
        if (cases[i].want) {
            CHECK(got && strcmp(got, cases[i].want) == 0, "%s -> %s",
                  cases[i].word, got ? got : "(none)");
        } else {
            CHECK(got == NULL, "%s -> %s, want none", cases[i].word, got);
        }
    }
    static const struct {
        const char *ptr;
        bool ok;
    } ptrs[] = {{"", true}, {"/a/b", true}, {"/a~0b/~1", true},
                {"a", false}, {"/a~2", false}, {"/~", false}};
    for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
        CHECK(layout_spec_pointer_valid(ptrs[i].ptr) == ptrs[i].ok,
              "pointer \"%s\"", ptrs[i].ptr);
    }
}

/* Arbitrary prefixes of a valid layout must fail cleanly, never crash. */
static void
test_truncations(const char *path)
{
    size_t len;
    char *text = read_all(path, &len);
    CHECK(text != NULL, "read %s", path);
    if (!text) {
        return;
    }
    int failed = 0;
    for (size_t n = 0; n < len; n += 97) {
        struct diag_list d;
        diag_list_init(&d, "trunc");
        struct layout *l = layout_load_buffer(path, text, n, &d);
        failed += l == NULL && d.errors > 0;
        layout_destroy(l);
        diag_list_fini(&d);
    }
    CHECK(failed == (int)((len + 96) / 97), "every truncation is an error");
    free(text);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_layout SOURCE_DIR\n");
        return 2;
    }
    const char *src = argv[1];
    char *bad = xasprintf("%s/tests/layouts/bad", src);
    char *warn = xasprintf("%s/tests/layouts/warn", src);
    int nbad = run_dir(bad, true);
    CHECK(nbad >= 30, "at least 30 broken-layout fixtures, have %d", nbad);
    run_dir(warn, false);
    char *demo = xasprintf("%s/layouts/demo.json", src);
    test_clean(demo);
    char *live = xasprintf("%s/layouts/demo-live.json", src);
    test_clean(live);
    free(live);
    test_truncations(demo);
    test_model();
    test_suggest();
    free(demo);
    free(bad);
    free(warn);
    return testlib_done();
}
