/*
 * tracedir.c — a trace directory given on the command line: it must be a
 * directory, and source.ctf.fs wants the directories under it that hold a
 * `metadata` file (babeltrace2's command line finds them itself), each
 * metadata file whole (metacheck.c). Every failure is one line and a
 * TL_EXIT_* status.
 */
#include <errno.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

#include "viewer.h"

int tl_check_trace_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, TL_PROG ": %s: %s; give a trace directory (libmap-record prints it)\n",
                dir, strerror(errno));
        return TL_EXIT_INPUT;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, TL_PROG ": %s is not a directory; give the trace directory that "
                "holds it (for a flight recording, DIR/snapshot-N-...)\n", dir);
        return TL_EXIT_INPUT;
    }
    return 0;
}

/* nftw's callback has no argument of its own: the walk's state. */
static bt_value *trace_dirs;
static char bad_metadata[512];

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    if (type == FTW_F && strcmp(path + ftw->base, "metadata") == 0) {
        if (!bad_metadata[0] && tl_check_metadata(path, bad_metadata, sizeof bad_metadata) != 0)
            return 0;
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", ftw->base ? ftw->base - 1 : 0, path);
        if (bt_value_array_append_string_element(trace_dirs, dir[0] ? dir : "."))
            return 1;
    }
    return 0;
}

int tl_find_traces(const char *dir, bt_value *inputs)
{
    trace_dirs = inputs;
    bad_metadata[0] = '\0';
    int r = nftw(dir, collect, 16, FTW_PHYS);
    trace_dirs = NULL;
    if (r != 0) {
        fprintf(stderr, TL_PROG ": %s: cannot read the directory: %s\n", dir, strerror(errno));
        return TL_EXIT_INPUT;
    }
    if (bad_metadata[0]) {
        fprintf(stderr, TL_PROG ": %s: the trace is damaged or truncated: %s\n", dir,
                bad_metadata);
        return TL_EXIT_INPUT;
    }
    if (bt_value_array_get_length(inputs) == 0) {
        fprintf(stderr, TL_PROG ": %s: no CTF trace in this directory (no metadata file "
                "under it); give a directory recorded by libmap-record or lttng\n", dir);
        return TL_EXIT_INPUT;
    }
    return 0;
}
