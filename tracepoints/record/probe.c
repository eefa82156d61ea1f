/*
 * probe.c — find the probe library liblibmap-lttng.so to preload into the
 * traced command: --probe PATH; else, for a libmap-record run from the
 * build tree, the build tree's; else the one installed beside this program
 * (BINDIR/../LIBDIR, so an installed prefix can move); else the configured
 * install path. LD_PRELOAD splits on spaces and colons, so such a path is
 * refused.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

static bool usable(const char *path) { return path != NULL && access(path, R_OK) == 0; }

static const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0)
        return NULL;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    return dir;
}

static const char *candidate(void)
{
    static char path[PATH_MAX];
    const char *dir = exe_dir();
#ifdef LIBMAP_RECORD_BUILD_DIR
    if (dir != NULL && strcmp(dir, LIBMAP_RECORD_BUILD_DIR) == 0 && usable(LIBMAP_PROBE_BUILD_PATH))
        return LIBMAP_PROBE_BUILD_PATH;
#endif
#ifdef LIBMAP_BIN_TO_LIB
    if (dir != NULL) {
        int n = snprintf(path, sizeof path, "%s/%s/liblibmap-lttng.so", dir, LIBMAP_BIN_TO_LIB);
        if (n > 0 && (size_t)n < sizeof path && usable(path))
            return path;
    }
#endif
#ifdef LIBMAP_PROBE_INSTALL_PATH
    if (usable(LIBMAP_PROBE_INSTALL_PATH))
        return LIBMAP_PROBE_INSTALL_PATH;
#endif
    return NULL;
}

const char *probe_find(const struct options *o)
{
    const char *p = o->probe ? o->probe : candidate();
    if (!usable(p)) {
        if (o->probe)
            fail("cannot read the probe library %s", o->probe);
        else
            fail("cannot find the probe library liblibmap-lttng.so; give it with --probe PATH");
        return NULL;
    }
    static char real[PATH_MAX];
    if (realpath(p, real) == NULL) {
        fail("cannot resolve the probe library path %s", p);
        return NULL;
    }
    if (strpbrk(real, " :\t\n") != NULL) {
        fail("the probe library path %s has a space or colon, which LD_PRELOAD cannot carry",
             real);
        return NULL;
    }
    return real;
}
