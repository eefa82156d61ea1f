/*
 * child_env.c — the traced COMMAND's environment: libmap-record's own with
 * the probe library first in LD_PRELOAD, and verify_asan_link_order=0 added
 * to ASAN_OPTIONS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

extern char **environ;

void child_env_free(struct child_env *ce)
{
    free(ce->env);
    free(ce->pre);
    free(ce->asan_opts);
}

/* A copy of the environment with LD_PRELOAD=probe[ previous], and
 * verify_asan_link_order=0 added to ASAN_OPTIONS: an AddressSanitizer
 * program refuses to start when a preloaded library comes before its
 * runtime (other programs ignore the variable). */
char **child_env_make(const char *probe, struct child_env *ce)
{
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **env = ce->env = calloc(n + 3, sizeof *env);
    if (env == NULL)
        return NULL;
    const char *old = getenv("LD_PRELOAD");
    const char *asan = getenv("ASAN_OPTIONS");
    char *pre, *asan_opts;
    if (asprintf(&pre, "LD_PRELOAD=%s%s%s", probe, old && *old ? " " : "", old ? old : "") < 0)
        return NULL;
    ce->pre = pre;
    if (asprintf(&asan_opts, "ASAN_OPTIONS=%s%sverify_asan_link_order=0", asan ? asan : "",
                 asan && *asan ? ":" : "") < 0)
        return NULL;
    ce->asan_opts = asan_opts;
    bool set_asan = asan == NULL || strstr(asan, "verify_asan_link_order") == NULL;
    size_t k = 0;
    env[k++] = pre;
    if (set_asan)
        env[k++] = asan_opts;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0)
            continue;
        if (set_asan && strncmp(environ[i], "ASAN_OPTIONS=", 13) == 0)
            continue;
        env[k++] = environ[i];
    }
    env[k] = NULL;
    return env;
}
