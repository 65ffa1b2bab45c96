/*
 * opswall-feedsim: runs the demo indicator server until interrupted.
 *   opswall-feedsim [--port N] [--step MS] [--tls-cert PEM --tls-key PEM]
 *                   [--fault PATH=MODE ...]
 * It prints "listening on http://127.0.0.1:PORT" once ready.
 */
#define LOG_MODULE "feedsim"
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/file.h"
#include "feedsim/feedsim.h"



static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int
main(int argc, char **argv)
{
    int port = 8642;
    long step_ms = 60000;
    struct feedsim *sim = NULL;
    const char *faults[32];
    int nfaults = 0;
    const char *cert = NULL, *key = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--step") == 0 && i + 1 < argc) {
            step_ms = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--tls-cert") == 0 && i + 1 < argc) {
            cert = argv[++i];
        } else if (strcmp(argv[i], "--tls-key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--fault") == 0 && i + 1 < argc &&
                   nfaults < 32) {
            faults[nfaults++] = argv[++i];
        } else {
            /* --help is an answer (stdout, 0); anything else a mistake. */
            bool help = strcmp(argv[i], "--help") == 0 ||
                        strcmp(argv[i], "-h") == 0;
            fprintf(help ? stdout : stderr, "usage: opswall-feedsim [--port N] "
                    "[--step MS] [--tls-cert PEM --tls-key PEM]\n"
                    "                       [--fault PATH=MODE ...]\n"
                    "  a demo indicator server on 127.0.0.1 (default port "
                    "8642); its values change\n  every --step ms (default "
                    "60000); fault modes: delay:MS, 404, 500, truncated,\n"
                    "  invalid, huge, drip, reset, ctype, flap, nostore, ok "
                    "(also live:\n  GET /_fault?path=PATH&mode=MODE)\n");
            return help ? 0 : 2;
        }
    }
    if (port < 0 || port > 65535) {
        fprintf(stderr, "opswall-feedsim: bad port\n");
        return 2;
    }
    if (step_ms < 10 || step_ms > 3600000) {
        fprintf(stderr, "opswall-feedsim: --step wants 10 to 3600000 ms\n");
        return 2;
    }
    char *cert_pem = cert ? file_read_all(cert, 1 << 20, NULL) : NULL;
    char *key_pem = key ? file_read_all(key, 1 << 20, NULL) : NULL;
    if ((cert || key) && (!cert_pem || !key_pem)) {
        fprintf(stderr, "opswall-feedsim: cannot read --tls-cert/--tls-key\n");
        return 2;
    }
    sim = feedsim_start_tls(port, 0, cert_pem, key_pem);
    if (!sim) {
        return 1;
    }
    feedsim_set_step(sim, step_ms);
    for (int i = 0; i < nfaults; i++) {
        char path[128];
        const char *eq = strchr(faults[i], '=');
        if (!eq || (size_t)(eq - faults[i]) >= sizeof(path)) {
            fprintf(stderr, "opswall-feedsim: --fault wants PATH=MODE\n");
            feedsim_stop(sim);
            return 2;
        }
        memcpy(path, faults[i], (size_t)(eq - faults[i]));
        path[eq - faults[i]] = '\0';
        if (!feedsim_set_fault(sim, path, eq + 1)) {
            fprintf(stderr, "opswall-feedsim: unknown fault %s\n", eq + 1);
            feedsim_stop(sim);
            return 2;
        }
    }
    printf("listening on %s://127.0.0.1:%d\n", cert_pem ? "https" : "http",
           feedsim_port(sim));
    fflush(stdout);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    while (!stop) {
        pause();
    }
    feedsim_stop(sim);
    free(cert_pem);
    free(key_pem);
    return 0;
}
