/*
 * sessiond.c — the LTTng session daemon: is one running for us, start one,
 * stop one by its PID (sessiond_share.c decides when).
 *
 * Where a daemon lives (lttng-sessiond(8), lttng-ctl): root's daemon uses
 * /var/run/lttng, a user's daemon $LTTNG_HOME/.lttng ($HOME when LTTNG_HOME
 * is unset). A daemon is running when its client socket accepts a
 * connection. A user in the tracing group may also use root's daemon, which
 * the lttng client tries first. lttng-sessiond --daemonize returns once the
 * daemon is ready and leaves its PID in RUNDIR/lttng-sessiond.pid: that PID,
 * checked to be an lttng-sessiond, is what may be stopped, and nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "record.h"

#define GLOBAL_RUNDIR "/var/run/lttng"
#define CLIENT_SOCK "client-lttng-sessiond"
#define PID_FILE "lttng-sessiond.pid"
#define STOP_TIMEOUT_MS 10000

static const char *user_rundir(void)
{
    static char dir[PATH_MAX];
    const char *home = getenv("LTTNG_HOME");
    if (home == NULL || *home == '\0')
        home = getenv("HOME");
    if (home == NULL)
        return NULL;
    snprintf(dir, sizeof dir, "%s/.lttng", home);
    return dir;
}

const char *sessiond_rundir(void) { return getuid() == 0 ? GLOBAL_RUNDIR : user_rundir(); }

static bool accepts(const char *rundir)
{
    if (rundir == NULL)
        return false;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if ((size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", rundir, CLIENT_SOCK) >=
        sizeof sa.sun_path)
        return false;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

bool sessiond_running(void)
{
    if (accepts(GLOBAL_RUNDIR))
        return true;
    return getuid() != 0 && accepts(user_rundir());
}

static bool is_live_sessiond(pid_t pid) { return proc_alive_as(pid, "lttng-sessiond"); }

pid_t sessiond_pid(void)
{
    const char *rundir = sessiond_rundir();
    char path[PATH_MAX];
    if (rundir == NULL)
        return 0;
    snprintf(path, sizeof path, "%s/%s", rundir, PID_FILE);
    FILE *f = fopen(path, "re");
    long pid = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid > 0 && is_live_sessiond((pid_t)pid) ? (pid_t)pid : 0;
}

pid_t sessiond_start(void)
{
    char *argv[] = {"lttng-sessiond", "--daemonize", "--no-kernel", NULL};
    char out[4096];
    int rc = run_capture(argv, out, sizeof out);
    if (rc != 0 && sessiond_running())
        return 0; /* another one started meanwhile: use it, it is not ours */
    if (rc != 0) {
        char *nl = strchr(out, '\n');
        if (nl)
            *nl = '\0';
        fail("cannot start lttng-sessiond (status %d): %s", rc, *out ? out : "no message");
        return -1;
    }
    pid_t pid = sessiond_pid();
    if (pid == 0) {
        fail("started lttng-sessiond but cannot find its PID in %s/%s; it keeps running",
             sessiond_rundir(), PID_FILE);
        return -1;
    }
    return pid;
}

bool sessiond_stop(pid_t pid)
{
    if (!is_live_sessiond(pid))
        return true; /* already gone (or the PID is no longer a session daemon) */
    if (kill(pid, SIGTERM) != 0)
        return errno == ESRCH;
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int waited = 0; waited < STOP_TIMEOUT_MS; waited += 20) {
        if (!is_live_sessiond(pid))
            return true;
        nanosleep(&tick, NULL);
    }
    fail("lttng-sessiond (pid %ld) did not stop within %d s; killing it", (long)pid,
         STOP_TIMEOUT_MS / 1000);
    kill(pid, SIGKILL);
    return false;
}
