/*
 * fuzz_layout: libFuzzer target for the layout loader (comments, syntax
 * scanner, schema checks, semantic checks).  Any input must yield a layout
 * or diagnostics: no crash, no hang, no leak, no sanitizer report.
 */
#include <stddef.h>
#include <stdint.h>

#include "layout/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list d;
    diag_list_init(&d, "fuzz.json");
    struct layout *l = layout_load_buffer("/nonexistent/fuzz.json",
                                          (const char *)data, size, &d);
    layout_destroy(l);
    diag_list_fini(&d);
    return 0;
}
