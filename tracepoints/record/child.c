/*
 * child.c — run the traced COMMAND: in our process group (it keeps the
 * terminal), with the probe library added to LD_PRELOAD, with the signal
 * dispositions libmap-record started with. Reports a COMMAND that cannot be
 * executed (through a close-on-exec pipe) and passes on how it ended.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

extern char **environ;

/* A copy of the environment with LD_PRELOAD=probe[ previous], and
 * verify_asan_link_order=0 added to ASAN_OPTIONS: an AddressSanitizer
 * program refuses to start when a preloaded library comes before its
 * runtime (other programs ignore the variable). */
struct child_env {
    char **env;
    char *pre, *asan_opts; /* the two strings made here */
};

static void environment_free(struct child_env *ce)
{
    free(ce->env);
    free(ce->pre);
    free(ce->asan_opts);
}

static char **environment_with(const char *probe, struct child_env *ce)
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

int child_run(const struct options *o, const char *probe, int *termsig)
{
    *termsig = 0;
    struct child_env ce = {NULL, NULL, NULL};
    char **env = environment_with(probe, &ce);
    int errpipe[2];
    if (env == NULL || pipe2(errpipe, O_CLOEXEC) != 0) {
        fail("cannot prepare COMMAND: %s", strerror(errno));
        environment_free(&ce);
        return EXIT_RECORD_FAILED;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fail("cannot fork: %s", strerror(errno));
        environment_free(&ce);
        return EXIT_RECORD_FAILED;
    }
    if (pid == 0) {
        signals_restore_in_child();
        environ = env;
        execvp(o->command[0], o->command);
        int e = errno;
        ssize_t w = write(errpipe[1], &e, sizeof e);
        (void)w;
        _exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
    }
    signals_forward_to(pid);
    environment_free(&ce);
    close(errpipe[1]);
    int exec_errno = 0;
    ssize_t r;
    do
        r = read(errpipe[0], &exec_errno, sizeof exec_errno);
    while (r < 0 && errno == EINTR);
    close(errpipe[0]);

    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            signals_forward_to(0);
            fail("cannot wait for COMMAND: %s", strerror(errno));
            return EXIT_RECORD_FAILED;
        }
    }
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
