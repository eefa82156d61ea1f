/*
 * race_harness.c — the forked-child runner behind every deterministic race
 * test (see race_harness.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "race_harness.h"

struct race_oracle {
    uint64_t map;
    int32_t detector_tid;
    int32_t writer_tid;
};

static int oracle_fd = -1; /* child: write end of the oracle pipe */

int32_t race_gettid(void) { return (int32_t)syscall(SYS_gettid); }

const char *race_message(enum libmap_panic_kind kind)
{
    switch (kind) {
    case LIBMAP_PANIC_CONCURRENT_WRITES:
        return "concurrent map writes";
    case LIBMAP_PANIC_READ_WRITE:
        return "concurrent map read and map write";
    case LIBMAP_PANIC_ITERATION_WRITE:
        return "concurrent map iteration and map write";
    default:
        return "?";
    }
}

const char *race_op_name(enum libmap_op op)
{
    static const char *const names[] = {"none", "assign", "delete", "clear", "lookup", "iterate"};
    return (unsigned)op < 6 ? names[op] : "?";
}

void race_report_oracle(const libmap *m, int32_t detector_tid, int32_t writer_tid)
{
    struct race_oracle o = {(uint64_t)(uintptr_t)m, detector_tid, writer_tid};
    CHECK(write(oracle_fd, &o, sizeof o) == (ssize_t)sizeof o);
}

/* Panic hook: hand the finished record to the parent. write(2) only. */
static void send_record(const struct libmap_panic_record *rec, void *ctx)
{
    int fd = (int)(intptr_t)ctx;
    ssize_t n = write(fd, rec, sizeof *rec);
    (void)n;
}

static _Noreturn void child(int record_fd, FILE *err, race_scenario_fn fn, void *arg)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* core_pattern may drop a file here */
    alarm(10);                        /* a scenario that hangs dies by SIGALRM */
    dup2(fileno(err), 2);
    CHECK_EQ(libmap_add_panic_hook(send_record, (void *)(intptr_t)record_fd), 0);
    fn(arg);
    fprintf(stderr, "scenario returned without a panic\n");
    _exit(97);
}

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static size_t read_all(int fd, void *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, (char *)buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (got += (size_t)n) == cap)
            return got;
    }
}

/* A failed check on a child's run names the scenario and shows the child's
 * stderr. */
struct child_report {
    const char *name, *errtext;
};

static void print_child(FILE *out, const void *arg)
{
    const struct child_report *c = arg;
    fprintf(out, "scenario %s\n--- child stderr ---\n%s--- end ---\n", c->name, c->errtext);
}

static void check_record(const struct libmap_panic_record *r, const struct race_oracle *o,
                         const struct race_expect *exp, pid_t pid, int64_t rt0, int64_t rt1,
                         int64_t mono0, int64_t mono1)
{
    if (r->magic != LIBMAP_PANIC_MAGIC)
        FAIL("record magic %" PRIx64, r->magic);
    if (r->version != LIBMAP_PANIC_RECORD_VERSION)
        FAIL("record version %u", r->version);
    if (r->kind != (uint32_t)exp->kind)
        FAIL("record kind %u, expected %u", r->kind, exp->kind);
    if ((uint64_t)(uintptr_t)r->map != o->map)
        FAIL("record map %p", (void *)r->map);
    if (r->op != (uint32_t)exp->op)
        FAIL("record op %u, expected %u", r->op, exp->op);
    if (r->writer_op != (uint32_t)exp->writer_op)
        FAIL("record writer_op %u, expected %u", r->writer_op, exp->writer_op);
    if (r->tid != o->detector_tid)
        FAIL("record tid %d, expected %d", r->tid, o->detector_tid);
    if (r->writer_tid != o->writer_tid)
        FAIL("record writer_tid %d, expected %d", r->writer_tid, o->writer_tid);
    if (r->pid != pid)
        FAIL("record pid %d, expected %d", r->pid, (int)pid);
    if (r->writer_held != (uint32_t)exp->writer_held)
        FAIL("record writer_held %u", r->writer_held);
    if (r->realtime_ns < rt0 || r->realtime_ns > rt1)
        FAIL("record realtime_ns out of range");
    if (r->monotonic_ns < mono0 || r->monotonic_ns > mono1)
        FAIL("record monotonic_ns out of range");
    if (memchr(r->message, '\0', sizeof r->message) == NULL)
        FAIL("record message not terminated");
    if (strcmp(r->message, race_message(exp->kind)) != 0)
        FAIL("record message '%s'", r->message);
}

void race_run(const char *name, race_scenario_fn fn, void *arg, const struct race_expect *exp)
{
    int opipe[2], rpipe[2];
    CHECK(pipe(opipe) == 0 && pipe(rpipe) == 0);
    FILE *err = tmpfile();
    CHECK(err != NULL);
    fflush(NULL);
    int64_t rt0 = now_ns(CLOCK_REALTIME), mono0 = now_ns(CLOCK_MONOTONIC);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(opipe[0]);
        close(rpipe[0]);
        oracle_fd = opipe[1];
        child(rpipe[1], err, fn, arg);
    }
    close(opipe[1]);
    close(rpipe[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        CHECK(errno == EINTR);
    int64_t rt1 = now_ns(CLOCK_REALTIME), mono1 = now_ns(CLOCK_MONOTONIC);

    char errtext[4096];
    rewind(err);
    size_t n = fread(errtext, 1, sizeof errtext - 1, err);
    errtext[n] = '\0';
    fclose(err);

    struct race_oracle o;
    struct libmap_panic_record rec[2];
    size_t got_o = read_all(opipe[0], &o, sizeof o);
    size_t got_r = read_all(rpipe[0], rec, sizeof rec);
    close(opipe[0]);
    close(rpipe[0]);

    struct child_report report = {name, errtext};
    check_context(print_child, &report);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        FAIL("child did not die by SIGABRT (status 0x%x%s%s)", status,
             WIFSIGNALED(status) ? ", signal " : "",
             WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "");
    if (got_o != sizeof o)
        FAIL("child sent no oracle");
    if (o.detector_tid == o.writer_tid || o.detector_tid <= 0 || o.writer_tid <= 0)
        FAIL("bad oracle TIDs %d %d", o.detector_tid, o.writer_tid);
    if (got_r != sizeof rec[0])
        FAIL("panic hook sent %zu bytes, expected one record (%zu)", got_r, sizeof rec[0]);

    char want[512];
    snprintf(want, sizeof want,
             "fatal error: %s\nmap 0x%" PRIx64 ": %s by thread %d collided with %s by thread %d%s\n",
             race_message(exp->kind), o.map, race_op_name(exp->op), o.detector_tid,
             race_op_name(exp->writer_op), o.writer_tid,
             exp->writer_held ? " (writer)" : " (writer, just finished)");
    if (strcmp(errtext, want) != 0)
        FAIL("stderr differs; expected:\n%s", want);
    check_record(&rec[0], &o, exp, pid, rt0, rt1, mono0, mono1);
    check_context(NULL, NULL);
}
