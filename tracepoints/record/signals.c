/*
 * signals.c — termination signals during a libmap-record run.
 *
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT are caught for the whole run so that
 * the session, the trigger and a daemon we started are always cleaned up.
 * While the traced command runs, a signal that another process sent to
 * libmap-record (si_code <= 0: kill, sigqueue, tkill) is passed on to it; a
 * signal from the terminal (Ctrl-C) has already reached it, since it shares
 * our process group, and is not sent twice. Signals ignored when we started
 * stay ignored, for us and for the command.
 */
#include <string.h>

#include "record.h"

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NHANDLED (sizeof handled / sizeof handled[0])

static struct sigaction original[NHANDLED];
static volatile sig_atomic_t pending;
static volatile sig_atomic_t forward_pid;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    pending = sig;
    pid_t p = (pid_t)forward_pid;
    if (p > 0 && si != NULL && si->si_code <= 0)
        kill(p, sig);
}

void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: waits see EINTR and look again */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NHANDLED; i++) {
        sigaction(handled[i], NULL, &original[i]);
        if (original[i].sa_handler != SIG_IGN)
            sigaction(handled[i], &sa, NULL);
    }
}

void signals_forward_to(pid_t pid) { forward_pid = pid; }

int signals_pending(void) { return pending; }

void signals_restore_in_child(void)
{
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &original[i], NULL);
}
