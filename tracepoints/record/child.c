/*
 * child.c — the traced COMMAND's process. It is forked first and held
 * before exec while the session is set up, so that the session can be
 * limited to it:
 *
 *   in the child: PR_SET_PDEATHSIG (it dies with libmap-record, even with
 *   one killed by SIGKILL; checked against a recorder already gone), then
 *   its own UTS namespace (unshare; needs CAP_SYS_ADMIN, in practice root;
 *   the host name is copied), which every process it starts inherits;
 *   it says which (one message on a socket) and waits for "go";
 *   the filter: `$ctx.uts_ns == INODE` (the namespace's inode, from
 *   /proc/PID/ns/uts), or `$ctx.vpid == PID` when unshare failed, which
 *   selects COMMAND's own process only.
 *
 * On "go" the child restores the signal dispositions libmap-record started
 * with and runs COMMAND in our process group (it keeps the terminal) with
 * the probe library preloaded (child_env.c). A COMMAND that cannot be
 * executed is reported through the same (close-on-exec) socket, and how it
 * ended is passed on.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

extern char **environ;

static ssize_t read_retry(int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

/* The held child: never returns. */
static void held(const struct options *o, char **env, int sock, pid_t recorder)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != recorder)
        _exit(EXIT_RECORD_FAILED);
    int report = unshare(CLONE_NEWUTS) == 0 ? 0 : errno;
    char go;
    if (write(sock, &report, sizeof report) != (ssize_t)sizeof report ||
        read_retry(sock, &go, 1) != 1)
        _exit(EXIT_RECORD_FAILED); /* libmap-record gave up: COMMAND never runs */
    int sig = signals_pending(); /* caught here while held (a Ctrl-C) */
    signals_restore_in_child();
    if (sig != 0)
        raise(sig);
    environ = env;
    execvp(o->command[0], o->command);
    int e = errno;
    ssize_t w = write(sock, &e, sizeof e);
    (void)w;
    _exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

int child_start(const struct options *o, const char *probe, struct child *c)
{
    memset(c, 0, sizeof *c);
    c->sock = -1;
    struct child_env ce = {NULL, NULL, NULL};
    char **env = child_env_make(probe, &ce);
    int sv[2];
    if (env == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        fail("cannot prepare COMMAND: %s", strerror(errno));
        child_env_free(&ce);
        return -1;
    }
    fflush(NULL);
    pid_t recorder = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        held(o, env, sv[1], recorder);
    }
    child_env_free(&ce);
    close(sv[1]);
    if (pid < 0) {
        fail("cannot fork: %s", strerror(errno));
        close(sv[0]);
        return -1;
    }
    c->pid = pid;
    c->sock = sv[0];
    int report;
    if (read_retry(c->sock, &report, sizeof report) != (ssize_t)sizeof report) {
        fail("cannot prepare COMMAND: its process ended before it could run");
        child_abort(c);
        return -1;
    }
    char ns[64];
    struct stat st;
    snprintf(ns, sizeof ns, "/proc/%ld/ns/uts", (long)pid);
    if (report == 0 && stat(ns, &st) != 0)
        report = errno;
    c->uts_ns = report == 0 ? (unsigned long long)st.st_ino : 0;
    c->unshare_errno = report;
    return 0;
}

void child_filter(const struct child *c, char *buf, size_t sz)
{
    if (c->uts_ns != 0)
        snprintf(buf, sz, "$ctx.uts_ns == %llu", c->uts_ns);
    else
        snprintf(buf, sz, "$ctx.vpid == %ld", (long)c->pid);
}

void child_abort(struct child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (c->sock >= 0)
        close(c->sock);
    c->pid = 0;
    c->sock = -1;
}

int child_run(const struct options *o, struct child *c, int *termsig)
{
    *termsig = 0;
    pid_t pid = c->pid;
    signals_forward_to(pid);
    /* MSG_NOSIGNAL: a child already gone is seen by waitpid, not by SIGPIPE */
    while (send(c->sock, "g", 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
    int exec_errno = 0;
    ssize_t r = read_retry(c->sock, &exec_errno, sizeof exec_errno);
    close(c->sock);
    c->sock = -1;

    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            signals_forward_to(0);
            fail("cannot wait for COMMAND: %s", strerror(errno));
            return EXIT_RECORD_FAILED;
        }
    }
    c->pid = 0;
    signals_forward_to(0);
    if (r == (ssize_t)sizeof exec_errno) {
        fail("cannot run %s: %s", o->command[0], strerror(exec_errno));
        return exec_errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
    }
    if (WIFSIGNALED(status)) {
        *termsig = WTERMSIG(status);
        return 128 + *termsig;
    }
    return WEXITSTATUS(status);
}
