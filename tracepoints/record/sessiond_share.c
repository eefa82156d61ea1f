/*
 * sessiond_share.c — one session daemon for all the libmap-record runs at a
 * time. The recorder that starts lttng-sessiond notes it in
 * RUNDIR/libmap-record/sessiond ("PID START_TIME started by libmap-record
 * RECORDER"), so that whichever recorder ends last (locks.c) can stop it,
 * even when the one that started it is gone. The last recorder first removes dead
 * recorders' leftovers (owners.c), then stops the noted daemon only if it
 * holds no session at all (`lttng list`). A daemon that libmap-record did
 * not start is never stopped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

static const char *note_path(void)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sessiond", locks_dir());
    return path;
}

void share_note_started(pid_t daemon)
{
    struct proc_info pi;
    FILE *f = proc_info(daemon, &pi) ? fopen(note_path(), "we") : NULL;
    if (f != NULL) {
        fprintf(f, "%ld %llu started by libmap-record %ld\n", (long)daemon, pi.start,
                (long)getpid());
        if (fclose(f) == 0)
            return;
    }
    fail("cannot write %s: %s; the daemon will be left running", note_path(), strerror(errno));
}

/* The noted daemon if it is the one running now (the PID in the daemon's
 * PID file, started at the noted time); a stale note is removed. */
static pid_t noted(long *by)
{
    FILE *f = fopen(note_path(), "re");
    if (f == NULL)
        return 0;
    long pid = 0;
    unsigned long long start = 0;
    struct proc_info pi;
    *by = 0;
    if (fscanf(f, "%ld %llu started by libmap-record %ld", &pid, &start, by) < 2)
        pid = 0;
    fclose(f);
    if (pid <= 0 || pid != (long)sessiond_pid() || !proc_info((pid_t)pid, &pi) ||
        pi.start != start) {
        unlink(note_path());
        return 0;
    }
    return (pid_t)pid;
}

void share_forget_stale(void)
{
    long by;
    noted(&by);
}

/* How many sessions the daemon holds, or -1. */
static int count_sessions(void)
{
    char out[65536];
    if (lttng_quiet(out, sizeof out, "--mi", "xml", "list", (char *)NULL) != 0)
        return -1;
    int n = 0;
    for (const char *p = out; (p = strstr(p, "<session>")) != NULL; p++)
        n++;
    return n;
}

void share_end(const struct options *o, pid_t started)
{
    bool last = locks_end();
    long by = 0;
    pid_t daemon = noted(&by);
    if (!last) {
        if (started > 0 && daemon == started)
            say(o, "left the lttng-sessiond it started (pid %ld) running: another libmap-record "
                "uses it, and the last one stops it", (long)started);
        locks_close();
        return;
    }
    owners_cleanup(o);
    if (daemon > 0) {
        int n = count_sessions();
        if (n == 0) {
            sessiond_stop(daemon);
            unlink(note_path());
            if (daemon == started)
                say(o, "stopped the lttng-sessiond it started (pid %ld)", (long)daemon);
            else
                say(o, "stopped lttng-sessiond (pid %ld), started by libmap-record (pid %ld) "
                    "and now unused", (long)daemon, by);
        } else if (n < 0) {
            say(o, "left lttng-sessiond (pid %ld) running: cannot list its sessions",
                (long)daemon);
        } else {
            say(o, "left lttng-sessiond (pid %ld) running: it holds %d session%s that "
                "libmap-record did not make", (long)daemon, n, n == 1 ? "" : "s");
        }
    }
    locks_close();
}
