/*
 * owners.c — which libmap-record made which session and trigger, so that a
 * later run removes what a recorder killed by SIGKILL left behind. Before it
 * makes anything, a recorder writes RUNDIR/libmap-record/recorder-PID:
 *
 *   PID START_TIME
 *   trigger NAME        (flight recorder: libmap-record-PID-panic, ours alone)
 *   session NAME        (added once `lttng create` made it: a session of that
 *                        name made by someone else is never named here)
 *
 * and removes it after its teardown. A recorder is gone when /proc/PID does
 * not exist, is not a libmap-record, or started at another time than the
 * file says (its PID was reused). owners_cleanup runs while setup.lock is
 * held (locks.c): it removes a gone recorder's trigger, then its session,
 * then its file, with one line for each thing removed.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define PREFIX "recorder-"

static char mine[PATH_MAX];

static bool recorder_alive(long pid, unsigned long long start)
{
    struct proc_info pi;
    return pid != (long)getpid() && proc_alive_as((pid_t)pid, "libmap-record") &&
           proc_info((pid_t)pid, &pi) && pi.start == start;
}

int owners_claim(const char *trigger)
{
    struct proc_info me;
    if (!proc_info(getpid(), &me)) {
        fail("cannot read /proc/self/stat");
        return -1;
    }
    snprintf(mine, sizeof mine, "%s/" PREFIX "%ld", locks_dir(), (long)getpid());
    FILE *f = fopen(mine, "we");
    if (f != NULL) {
        fprintf(f, "%ld %llu\n", (long)getpid(), me.start);
        if (trigger[0] != '\0')
            fprintf(f, "trigger %s\n", trigger);
    }
    if (f == NULL || fclose(f) != 0) {
        fail("cannot write %s: %s", mine, strerror(errno));
        unlink(mine);
        mine[0] = '\0';
        return -1;
    }
    return 0;
}

void owners_note_session(const char *session)
{
    FILE *f = mine[0] != '\0' ? fopen(mine, "ae") : NULL;
    if (f != NULL)
        fprintf(f, "session %s\n", session);
    if (f == NULL || fclose(f) != 0)
        fail("cannot write %s: %s; if this run is killed, its session stays", mine,
             strerror(errno));
}

void owners_release(void)
{
    if (mine[0] != '\0')
        unlink(mine);
    mine[0] = '\0';
}

/* Remove what one gone recorder's file names, then the file. */
static void clean_one(const struct options *o, const char *path)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return;
    long pid = 0;
    unsigned long long start = 0;
    char line[512], session[512] = "", trigger[512] = "";
    if (fgets(line, sizeof line, f) == NULL || sscanf(line, "%ld %llu", &pid, &start) != 2)
        pid = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "session ", 8) == 0)
            snprintf(session, sizeof session, "%s", line + 8);
        else if (strncmp(line, "trigger ", 8) == 0)
            snprintf(trigger, sizeof trigger, "%s", line + 8);
    }
    fclose(f);
    if (pid > 0 && recorder_alive(pid, start))
        return;
    char out[4096];
    if (trigger[0] != '\0' &&
        lttng_quiet(out, sizeof out, "remove-trigger", trigger, (char *)NULL) == 0)
        say(o, "removed trigger %s left by libmap-record (pid %ld), which is gone", trigger, pid);
    if (session[0] != '\0' && lttng_quiet(out, sizeof out, "destroy", session, (char *)NULL) == 0)
        say(o, "destroyed session %s left by libmap-record (pid %ld), which is gone", session, pid);
    unlink(path);
}

static int is_owner_file(const struct dirent *e)
{
    return strncmp(e->d_name, PREFIX, strlen(PREFIX)) == 0;
}

void owners_cleanup(const struct options *o)
{
    const char *dir = locks_dir();
    struct dirent **names;
    int n = dir != NULL ? scandir(dir, &names, is_owner_file, alphasort) : -1;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        clean_one(o, path);
        free(names[i]);
    }
    if (n > 0)
        free(names);
}
