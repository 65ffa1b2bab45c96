/*
 * replay: runs a fuzz target over every file of its corpus directories, so
 * normal (non-clang) builds exercise the corpus as an ordinary test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') {
                continue;
            }
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            FILE *f = fopen(path, "rb");
            if (!f) {
                continue;
            }
            uint8_t *buf = malloc(1 << 22);
            size_t n = buf ? fread(buf, 1, 1 << 22, f) : 0;
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
            free(buf);
            files++;
        }
        closedir(d);
    }
    printf("%d passed, 0 failed\n", files);
    return files > 0 ? 0 : 1;
}
