/*
 * main.c — libmap-record: run COMMAND under a new LTTng session recording
 * libmap's events of COMMAND's processes only, end the session, say where
 * the trace is, and exit with COMMAND's status. The order of one run:
 *
 *   find the probe library; fork COMMAND's process, held before exec in its
 *   own UTS namespace (child.c);
 *   with setup.lock (locks.c): start lttng-sessiond if none runs, remove
 *   what dead recorders left, note what this run will make (owners.c);
 *   set up the session (and the flight recorder's panic trigger), filtered
 *   on COMMAND's namespace; start it;
 *   let COMMAND run with the probe preloaded, passing on signals sent to us;
 *   flight recorder: if COMMAND died by a signal, make sure a snapshot
 *   exists (the trigger's, or one taken now);
 *   remove the trigger, destroy the session; the last recorder stops the
 *   daemon if a libmap-record started it and no session is left in it
 *   (sessiond_share.c).
 *
 * A signal that arrives before COMMAND starts cancels the run after the
 * step in progress, still cleaning up; one that arrives while cleaning up
 * does not stop the cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closeout.h"
#include "record.h"

/* How long the flight recorder waits for the panic trigger's snapshot after
 * COMMAND died by SIGABRT, before taking one itself. */
#define TRIGGER_WAIT_MS 3000

/* What one run holds, for finish() to undo. */
struct run {
    struct child child;   /* COMMAND's process while held */
    pid_t started;        /* the lttng-sessiond this run started, or 0 */
    bool locked;          /* users.lock held (locks.c) */
    bool claimed;         /* recorder-PID written (owners.c) */
    bool session;         /* the session exists */
    char trigger[128];    /* the trigger added, or "" */
};

static int finish(const struct options *o, struct run *r, int status)
{
    child_abort(&r->child);
    if (r->session)
        session_teardown(o, r->trigger);
    if (r->claimed)
        owners_release();
    if (r->locked)
        share_end(o, r->started);
    return status;
}

static void host_of(const char *url, char *host, size_t sz)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = strcspn(h, ":/");
    if (*h == '[') /* net6://[::1]:port */
        n = strcspn(h, "]") + 1;
    snprintf(host, sz, "%.*s", (int)n, h);
}

static void print_live_url(const struct options *o)
{
    char host[256], me[256] = "localhost";
    host_of(o->relayd_url, host, sizeof host);
    gethostname(me, sizeof me - 1);
    fprintf(stderr,
            "libmap-record: live session: net://%s/host/%s/%s (read it with babeltrace2 "
            "--input-format=lttng-live, or libmap-timeline)\n",
            host, me, o->session);
}

static void print_where(const struct options *o, const char *before, int termsig)
{
    char me[256] = "localhost";
    switch (o->mode) {
    case MODE_LOCAL:
        if (access(o->output, F_OK) == 0)
            fprintf(stderr, "libmap-record: trace: %s\n", o->output);
        else
            fprintf(stderr, "libmap-record: no trace written (no libmap event was recorded)\n");
        break;
    case MODE_FLIGHT:
        if (o->relayd_url) {
            gethostname(me, sizeof me - 1);
            fprintf(stderr, "libmap-record: snapshots (if any) went to %s: under the relay "
                    "daemon's output directory, in %s/%s-*\n", o->relayd_url, me, o->session);
        } else if (snapshots_print_new(o->output, before) == 0) {
            fprintf(stderr, "libmap-record: no snapshot saved (%s)\n",
                    termsig ? "no libmap event was recorded"
                            : "no libmap:panic, and COMMAND was not killed by a signal");
        }
        break;
    case MODE_STREAM:
    case MODE_LIVE:
        gethostname(me, sizeof me - 1);
        fprintf(stderr, "libmap-record: trace streamed to %s: under the relay daemon's output "
                "directory, in %s/%s-*\n", o->relayd_url, me, o->session);
        break;
    }
}

/* After COMMAND died by signal sig in flight mode: wait for the trigger's
 * snapshot, or take one. */
static void flight_after_signal(const struct options *o, int sig, const char *before)
{
    bool have = false;
    if (sig == SIGABRT) {
        if (o->relayd_url == NULL) {
            have = snapshots_wait_new(o->output, before, TRIGGER_WAIT_MS);
        } else {
            sleep(2); /* the snapshot lands remotely: give the trigger time */
            have = true;
        }
    }
    if (!have) {
        say(o, "COMMAND was killed by signal %d without a libmap:panic snapshot: taking one", sig);
        session_snapshot(o);
    }
}

/* Make the output directory (and its parents) and prove it can hold
 * files, before anything runs: a race recorded into a directory that
 * cannot be written is lost. One line naming the path and the reason. */
static int output_ready(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        fprintf(stderr, "libmap-record: output directory %s: path too long\n", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "libmap-record: cannot create output directory %s: %s\n", path,
                    strerror(errno));
            return -1;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "libmap-record: output directory %s: %s\n", dir,
                errno ? strerror(errno) : "not a directory");
        return -1;
    }
    char probe_file[PATH_MAX];
    snprintf(probe_file, sizeof probe_file, "%s/.libmap-record-write-test.%ld", dir,
             (long)getpid());
    int fd = open(probe_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, "x", 1) != 1) {
        fprintf(stderr, "libmap-record: cannot write in output directory %s: %s\n", dir,
                strerror(errno ? errno : EIO));
        if (fd >= 0)
            close(fd), unlink(probe_file);
        return -1;
    }
    close(fd);
    unlink(probe_file);
    return 0;
}

/* With setup.lock held: a daemon, dead recorders' leftovers removed, this
 * run's ownership noted; then users.lock. On failure finish() still ends
 * the locks' protocol (share_end), so a daemon started here is stopped. */
static int setup_shared(const struct options *o, struct run *r)
{
    if (locks_setup_begin() != 0)
        return -1;
    r->locked = true;
    if (!sessiond_running()) {
        r->started = sessiond_start();
        if (r->started < 0) {
            r->started = 0;
            return -1;
        }
        if (r->started > 0) {
            share_note_started(r->started);
            say(o, "started lttng-sessiond (pid %ld)", (long)r->started);
        }
    } else {
        share_forget_stale();
    }
    owners_cleanup(o);
    char trigger[128];
    session_trigger_name(o, trigger, sizeof trigger);
    if (owners_claim(trigger) != 0)
        return -1;
    r->claimed = true;
    if (locks_setup_end() != 0) {
        r->locked = false;
        return -1;
    }
    return 0;
}

static int record(const struct options *o)
{
    signals_install();
    if (o->output != NULL && output_ready(o->output) != 0)
        return EXIT_RECORD_FAILED;

    const char *probe = probe_find(o);
    if (probe == NULL)
        return EXIT_RECORD_FAILED;
    struct run r;
    memset(&r, 0, sizeof r);
    if (child_start(o, probe, &r.child) != 0)
        return EXIT_RECORD_FAILED;
    if (r.child.uts_ns == 0)
        say(o, "cannot give COMMAND its own UTS namespace (%s): recording its process (pid %ld) "
            "only, not the processes it starts", strerror(r.child.unshare_errno),
            (long)r.child.pid);
    if (setup_shared(o, &r) != 0)
        return finish(o, &r, signals_pending() ? 128 + signals_pending() : EXIT_RECORD_FAILED);
    if (signals_pending())
        return finish(o, &r, 128 + signals_pending());

    char filter[128];
    child_filter(&r.child, filter, sizeof filter);
    r.session = true; /* session_setup cleans up after itself on failure */
    if (session_setup(o, filter, r.trigger, sizeof r.trigger) != 0) {
        r.session = false;
        return finish(o, &r, EXIT_RECORD_FAILED);
    }
    if (signals_pending())
        return finish(o, &r, 128 + signals_pending());
    say(o, "session %s (%s) recording", o->session,
        o->mode == MODE_FLIGHT ? "flight recorder" : o->mode == MODE_LIVE ? "live"
        : o->mode == MODE_STREAM ? "streaming" : "local");
    if (o->mode == MODE_LIVE)
        print_live_url(o);

    char *before = (o->mode == MODE_FLIGHT && o->output) ? snapshots_list(o->output) : NULL;
    int termsig;
    int status = child_run(o, &r.child, &termsig);
    if (o->flight && termsig != 0)
        flight_after_signal(o, termsig, before);
    finish(o, &r, status);
    print_where(o, before, termsig);
    free(before);
    return status;
}

int main(int argc, char **argv)
{
    closeout_at_exit("libmap-record", 125);
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc == 0)
        rc = record(&o);
    else if (rc < 0)
        rc = 0; /* --help */
    options_free(&o);
    return rc;
}
