/*
 * record.h — libmap-record's parts and what they share: the parsed options,
 * and one small module per job (running helper programs, the LTTng session,
 * the session daemon and how recorders share it, the traced command, the
 * probe library, snapshots).
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

/* lttng.c: `lttng --no-sessiond ...` with a one-line error on failure;
 * lttng_quiet: no message, lttng's output in out */
int lttng(const struct options *o, const char *what, ...) __attribute__((sentinel));
int lttng_quiet(char *out, size_t outsz, ...) __attribute__((sentinel));

/* proc.c: /proc/PID/stat */
struct proc_info {
    char comm[32];
    char state;
    unsigned long long start; /* clock ticks after boot */
};
bool proc_info(pid_t pid, struct proc_info *pi);
bool proc_alive_as(pid_t pid, const char *comm); /* exists, not a zombie, named comm */

/* sessiond.c */
const char *sessiond_rundir(void); /* where our daemon lives (NULL: no HOME) */
bool sessiond_running(void);
pid_t sessiond_pid(void);   /* the live daemon named by RUNDIR's PID file, or 0 */
pid_t sessiond_start(void); /* PID of the daemon started; 0: one appeared meanwhile; -1 */
bool sessiond_stop(pid_t pid);        /* stop that daemon and wait until it is gone */

/* locks.c: setup.lock and users.lock in RUNDIR/libmap-record */
const char *locks_dir(void);
int locks_setup_begin(void); /* setup.lock exclusive; -1 on error or a caught signal */
int locks_setup_end(void);   /* users.lock shared, then setup.lock released */
bool locks_end(void);        /* setup.lock again; true if the last recorder */
void locks_close(void);      /* release both */

/* owners.c: RUNDIR/libmap-record/recorder-PID, and dead recorders' leftovers */
int owners_claim(const char *trigger);
void owners_note_session(const char *session); /* once it exists */
void owners_release(void);
void owners_cleanup(const struct options *o);

/* sessiond_share.c: the daemon a recorder started; the last one stops it */
void share_note_started(pid_t daemon);
void share_forget_stale(void);
void share_end(const struct options *o, pid_t started); /* locks_end ... locks_close */

/* session.c: the LTTng session and trigger of this run, recording only the
 * events that pass filter */
void session_trigger_name(const struct options *o, char *trigger, size_t triggersz);
int session_setup(const struct options *o, const char *filter, char *trigger, size_t triggersz);
void session_snapshot(const struct options *o);
void session_teardown(const struct options *o, const char *trigger);

/* child_env.c: COMMAND's environment */
struct child_env {
    char **env;
    char *pre, *asan_opts; /* the two strings made here */
};
char **child_env_make(const char *probe, struct child_env *ce);
void child_env_free(struct child_env *ce);

/* child.c: COMMAND's process, held before exec until child_run */
struct child {
    pid_t pid;
    int sock;                  /* to and from the held child */
    unsigned long long uts_ns; /* its own UTS namespace's inode, or 0 */
    int unshare_errno;         /* why it has none */
};
int child_start(const struct options *o, const char *probe_path, struct child *c);
void child_filter(const struct child *c, char *buf, size_t sz);
void child_abort(struct child *c); /* kill the held child (it never ran) */
/* let it run COMMAND; returns the exit status to pass on, and sets *termsig
 * to the signal that killed it (else 0) */
int child_run(const struct options *o, struct child *c, int *termsig);

/* probe.c: the probe library liblibmap-lttng.so to preload, or NULL */
const char *probe_find(const struct options *o);

/* snapshots.c: the snapshot-* directories under a local output directory;
 * a list is their names, each followed by a newline. */
char *snapshots_list(const char *dir);
bool snapshots_wait_new(const char *dir, const char *before, int timeout_ms);
int snapshots_print_new(const char *dir, const char *before);

#endif /* LIBMAP_RECORD_H */
