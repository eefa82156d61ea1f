/*
 * run.c — run a helper program (lttng, lttng-sessiond) and capture what it
 * prints. The helper gets its own process group, so a Ctrl-C at the terminal
 * cannot interrupt a setup or cleanup step, and /dev/null as input. Output is
 * read until the helper exits (a daemonizing helper's daemon may keep the
 * pipe open: we stop reading when the helper itself is gone).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

static void append(int fd, char *out, size_t outsz, size_t *len)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        size_t room = outsz > *len + 1 ? outsz - *len - 1 : 0;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(out + *len, buf, take);
        *len += take;
    }
}

int run_capture(char *const argv[], char *out, size_t outsz)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        signals_restore_in_child();
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    size_t len = 0;
    int status = 0;
    for (;;) {
        struct pollfd pfd = {p[0], POLLIN, 0};
        poll(&pfd, 1, 50);
        append(p[0], out, outsz, &len);
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            status = -1;
            break;
        }
    }
    append(p[0], out, outsz, &len);
    close(p[0]);
    if (outsz > 0)
        out[len] = '\0';
    if (status == -1)
        return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
