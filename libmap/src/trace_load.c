/*
 * trace_load.c — loads the probe library liblibmap-lttng.so when libmap
 * itself is loaded, if the environment asks for it:
 *
 *   LIBMAP_TRACE=1        from libmap's own directory, then from the install
 *                         directory, then by the dynamic linker's search path;
 *   LIBMAP_TRACE=/a/path  that file;
 *   unset, empty or 0     nothing (libmap-record preloads it instead).
 *
 * A failure prints one line on stderr and libmap runs untraced.
 */
#ifdef LIBMAP_TRACING

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LIBMAP_PROBE_NAME
#define LIBMAP_PROBE_NAME "liblibmap-lttng.so"
#endif

/* The reason the most telling attempt failed: a file that exists but cannot
 * be loaded (say, its LTTng libraries are missing) beats a missing file. */
static char load_error[512];

static void *try_load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (h == NULL) {
        const char *e = dlerror();
        bool exists = strchr(path, '/') != NULL && access(path, F_OK) == 0;
        if (load_error[0] == '\0' || exists)
            snprintf(load_error, sizeof load_error, "%s", e ? e : path);
    }
    return h;
}

/* The probe library next to the object that holds libmap (libmap.so, or the
 * executable when libmap is linked statically). */
static void *load_beside_libmap(void)
{
    Dl_info info;
    if (dladdr((void *)&try_load, &info) == 0 || info.dli_fname == NULL)
        return NULL;
    const char *slash = strrchr(info.dli_fname, '/');
    if (slash == NULL)
        return NULL;
    char path[4096];
    int n = snprintf(path, sizeof path, "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname,
                     LIBMAP_PROBE_NAME);
    if (n <= 0 || (size_t)n >= sizeof path)
        return NULL;
    return try_load(path);
}

__attribute__((constructor)) static void trace_autoload(void)
{
    const char *v = getenv("LIBMAP_TRACE");
    if (v == NULL || v[0] == '\0' || strcmp(v, "0") == 0)
        return;
    void *h;
    if (strchr(v, '/') != NULL) {
        h = try_load(v);
    } else {
        h = load_beside_libmap();
#ifdef LIBMAP_PROBE_INSTALL_PATH
        if (h == NULL)
            h = try_load(LIBMAP_PROBE_INSTALL_PATH);
#endif
        if (h == NULL)
            h = try_load(LIBMAP_PROBE_NAME);
    }
    if (h == NULL)
        fprintf(stderr, "libmap: LIBMAP_TRACE is set but the probe library could not be loaded: %s\n",
                load_error);
}

#else

typedef int libmap_trace_load_disabled; /* ISO C wants a non-empty file */

#endif /* LIBMAP_TRACING */
