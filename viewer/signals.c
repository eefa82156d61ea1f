/*
 * signals.c — the command's signal handling while it reads a trace:
 * Ctrl-C and SIGTERM set the graph's interrupter (what was read is still
 * shown), and an alarm gives up on a CTF reader stuck opening a damaged
 * trace (one line naming it, exit 3).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "viewer.h"

static bt_interrupter *volatile interrupter;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    (void)sig;
    if (interrupter)
        bt_interrupter_set(interrupter);
}

void tl_interrupt_on_signals(bt_interrupter *it)
{
    interrupter = it;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void tl_interrupt_restore(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    interrupter = NULL;
}

static const char *volatile guarded_input;

static void on_stuck(int sig)
{
    (void)sig;
    static const char a[] = TL_PROG ": ", b[] = ": babeltrace2's CTF reader is stuck on this "
        "trace (damaged?); giving up\n";
    (void)!write(2, a, sizeof a - 1);
    (void)!write(2, guarded_input, strlen(guarded_input));
    (void)!write(2, b, sizeof b - 1);
    _exit(TL_EXIT_INPUT);
}

void tl_stuck_guard_arm(const char *input, unsigned seconds)
{
    guarded_input = input;
    signal(SIGALRM, on_stuck);
    alarm(seconds);
}

void tl_stuck_guard_disarm(void)
{
    alarm(0);
}
