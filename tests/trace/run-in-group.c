/*
 * run-in-group.c — run a command as the leader of a new session and process
 * group, with SIGINT and SIGQUIT at their default action (a shell's
 * background job ignores them), so that a test can send a signal to the
 * whole group the way a terminal's Ctrl-C does. Prints the group id first.
 *
 * usage: run-in-group COMMAND [ARGS...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: run-in-group COMMAND [ARGS...]\n");
        return 2;
    }
    if (setsid() < 0) {
        perror("setsid");
        return 1;
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    printf("%ld\n", (long)getpid());
    fflush(stdout);
    execvp(argv[1], argv + 1);
    fprintf(stderr, "run-in-group: %s: %s\n", argv[1], strerror(errno));
    return 127;
}
