/*
 * record.h — libmap-record's parts and what they share: the parsed options,
 * and one small module per job (running helper programs, the LTTng session,
 * the session daemon, the traced command, the probe library, snapshots).
 */
#ifndef LIBMAP_RECORD_H
#define LIBMAP_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit statuses of libmap-record itself (as env(1) and timeout(1) do). */
#define EXIT_RECORD_FAILED 125 /* bad usage, or LTTng could not be set up */
#define EXIT_CANNOT_EXEC 126   /* COMMAND found but could not be executed */
#define EXIT_NOT_FOUND 127     /* COMMAND not found */

enum record_mode { MODE_LOCAL, MODE_FLIGHT, MODE_STREAM, MODE_LIVE };

struct options {
    enum record_mode mode;
    const char *output;     /* --output DIR, made absolute; NULL when streaming */
    const char *relayd_url; /* --relayd URL */
    long live_timer_us;     /* --live[=USEC] */
    size_t buffer_size;     /* --buffer-size, bytes per CPU ring buffer */
    bool flight;            /* --flight (may combine with --relayd) */
    bool debug_events;      /* --debug-events */
    bool quiet;             /* --quiet */
    const char *session;    /* --session NAME, or a generated unique name */
    const char *probe;      /* --probe PATH */
    char **command;         /* COMMAND [ARGS...], NULL-terminated */
    char *owned[2];         /* strings parse_options allocated */
};

/* options.c */
/* 0: run; -1: --help was printed (exit 0); otherwise the exit status */
int parse_options(int argc, char **argv, struct options *o);
void options_free(struct options *o);

/* log.c: "libmap-record: ..." lines on stderr */
void say(const struct options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* signals.c: termination signals are caught for the whole run; a signal sent
 * to libmap-record by another process is forwarded to the traced command;
 * one from the terminal already reached it (same process group). */
void signals_install(void);
void signals_forward_to(pid_t pid); /* 0: stop forwarding */
int signals_pending(void);          /* the last signal caught, or 0 */
void signals_restore_in_child(void);

/* run.c: run a helper program in its own process group (so the terminal's
 * Ctrl-C cannot cut a cleanup step short), capturing its output. Returns its
 * exit status (128+N when killed by signal N), or -1 if it could not run. */
int run_capture(char *const argv[], char *out, size_t outsz);

/* lttng.c: `lttng --no-sessiond ...` with a one-line error on failure */
int lttng(const struct options *o, const char *what, ...) __attribute__((sentinel));

/* sessiond.c */
bool sessiond_running(void);
pid_t sessiond_start(void); /* PID of the daemon started; 0: one appeared meanwhile; -1 */
bool sessiond_stop(pid_t pid);        /* stop that daemon and wait until it is gone */

/* session.c: the LTTng session and trigger of this run */
int session_setup(const struct options *o, char *trigger, size_t triggersz);
void session_snapshot(const struct options *o);
void session_teardown(const struct options *o, const char *trigger);

/* child.c: run COMMAND with the probe preloaded; returns the exit status to
 * pass on, and sets *termsig to the signal that killed it (else 0). */
int child_run(const struct options *o, const char *probe_path, int *termsig);

/* probe.c: the probe library liblibmap-lttng.so to preload, or NULL */
const char *probe_find(const struct options *o);

/* snapshots.c: the snapshot-* directories under a local output directory;
 * a list is their names, each followed by a newline. */
char *snapshots_list(const char *dir);
bool snapshots_wait_new(const char *dir, const char *before, int timeout_ms);
int snapshots_print_new(const char *dir, const char *before);

#endif /* LIBMAP_RECORD_H */
