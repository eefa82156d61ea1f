/*
 * closeout.h — shared by the suite's commands (libmap-coredump,
 * libmap-record, libmap-timeline, libmap-demo): output that could not be
 * written is an error, never a silent success. closeout_at_exit(TOOL, CODE)
 * registers a check that runs when the program exits normally: if writing
 * standard output failed (a full disk, `> /dev/full`, a closed pipe), it
 * prints one line naming the tool and the reason on stderr and exits with
 * CODE. Header-only: each command is its own program.
 */
#ifndef LIBMAP_COMMON_CLOSEOUT_H
#define LIBMAP_COMMON_CLOSEOUT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *closeout_tool = "libmap";
static int closeout_code = 2;

static void closeout_check(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        int e = errno ? errno : EIO;
        fprintf(stderr, "%s: cannot write to standard output: %s\n", closeout_tool, strerror(e));
        _exit(closeout_code);
    }
}

static inline void closeout_at_exit(const char *tool, int code)
{
    closeout_tool = tool;
    closeout_code = code;
    atexit(closeout_check);
}

#endif
