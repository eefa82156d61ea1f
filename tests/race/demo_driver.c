/*
 * demo_driver.c — checks libmap-demo end to end: each real race
 * (write-write, read-write, iter-write) is run RUNS times (default 20); every
 * run must die by SIGABRT within the time limit, with stderr exactly the
 * matching "fatal error: ..." line and the line naming the map and two
 * threads, both of them workers the demo announced at start, in the roles
 * the mode implies (and a quarter as many runs with 4 workers). "race none"
 * must exit 0, and bad arguments exit 2.
 * Usage: demo_driver PATH-TO-libmap-demo [RUNS]
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define LIMIT_MS 15000

struct run {
    int status;
    double ms;
    char out[8192], err[8192];
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void slurp(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs the demo with args; captures status, time, stdout and stderr. */
static void run_demo(const char *demo, const char *const *args, struct run *r)
{
    FILE *out = tmpfile(), *err = tmpfile();
    CHECK(out != NULL && err != NULL);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)demo;
    for (; args[n - 1] != NULL && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    fflush(NULL);
    double t0 = now_ms();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        execv(demo, argv);
        _exit(127);
    }
    for (;;) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);
        CHECK(w >= 0 || errno == EINTR);
        if (w == pid)
            break;
        if (now_ms() - t0 > LIMIT_MS) {
            kill(pid, SIGKILL);
            waitpid(pid, &r->status, 0);
            FAIL("%s %s %s: no exit after %d ms", demo, args[0],
                 args[1] ? args[1] : "", LIMIT_MS);
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    r->ms = now_ms() - t0;
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
}

struct worker {
    int tid;
    char role[16];
};

struct mode {
    const char *name, *message, *detector_role, *detector_op;
};

static const struct mode modes[] = {
    {"write-write", "concurrent map writes", "writer", NULL},
    {"read-write", "concurrent map read and map write", "reader", "lookup"},
    {"iter-write", "concurrent map iteration and map write", "iterator", "iterate"},
};

/* A failed check on a race run shows the run's output. */
struct run_report {
    const struct mode *md;
    int run;
    const struct run *r;
};

static void print_run(FILE *out, const void *arg)
{
    const struct run_report *c = arg;
    fprintf(out, "demo_driver: race %s run %d\n--- stdout ---\n%s--- stderr ---\n%s--- end ---\n",
            c->md->name, c->run, c->r->out, c->r->err);
}

static const char *role_of(const struct worker *w, int n, int tid)
{
    for (int i = 0; i < n; i++)
        if (w[i].tid == tid)
            return w[i].role;
    return NULL;
}

/* Checks one race run; returns 1 when the writer had "just finished". */
static int check_race(const struct mode *md, int run, const struct run *r)
{
    struct run_report report = {md, run, r};
    check_context(print_run, &report);
    if (!WIFSIGNALED(r->status) || WTERMSIG(r->status) != SIGABRT)
        FAIL("status 0x%x, expected death by SIGABRT", r->status);

    uint64_t map = 0;
    struct worker w[64];
    int nw = 0;
    for (const char *p = r->out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        uint64_t a;
        size_t entries;
        if (sscanf(p, "libmap-demo: map 0x%" SCNx64 " entries %zu", &a, &entries) == 2)
            map = a;
        unsigned idx;
        if (nw < 64 && sscanf(p, "libmap-demo: worker %u tid %d (%15[a-z])", &idx, &w[nw].tid,
                              w[nw].role) == 3)
            nw++;
    }
    if (map == 0 || nw < 2)
        FAIL("stdout lacks the map line or the worker lines");

    char want1[128];
    snprintf(want1, sizeof want1, "fatal error: %s\n", md->message);
    if (strncmp(r->err, want1, strlen(want1)) != 0)
        FAIL("stderr does not start with '%s'", md->message);
    const char *line2 = r->err + strlen(want1);
    uint64_t m2;
    char op[16], wop[16], tail[64];
    int det, wri, used = 0;
    if (sscanf(line2, "map 0x%" SCNx64 ": %15[a-z] by thread %d collided with %15[a-z] by thread %d%n",
               &m2, op, &det, wop, &wri, &used) != 5)
        FAIL("second line does not name the map and two threads");
    snprintf(tail, sizeof tail, "%s", line2 + used);
    int finished = strcmp(tail, " (writer, just finished)\n") == 0;
    if (!finished && strcmp(tail, " (writer)\n") != 0)
        FAIL("second line ends with '%s'", tail);
    if (m2 != map)
        FAIL("map 0x%" PRIx64 " in the message, 0x%" PRIx64 " announced", m2, map);
    const char *drole = role_of(w, nw, det), *wrole = role_of(w, nw, wri);
    if (drole == NULL || wrole == NULL || det == wri)
        FAIL("TIDs %d and %d are not two of the announced workers", det, wri);
    if (strcmp(drole, md->detector_role) != 0 || strcmp(wrole, "writer") != 0)
        FAIL("detector is a %s, writer is a %s", drole, wrole);
    if (md->detector_op && strcmp(op, md->detector_op) != 0)
        FAIL("detecting operation is %s", op);
    if (!md->detector_op && strcmp(op, "assign") != 0 && strcmp(op, "delete") != 0)
        FAIL("detecting operation is %s", op);
    if (strcmp(wop, "assign") != 0 && strcmp(wop, "delete") != 0)
        FAIL("writer operation is %s", wop);
    check_context(NULL, NULL);
    return finished;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_other(const char *demo)
{
    static struct run r;
    const char *none[] = {"race", "none", NULL};
    run_demo(demo, none, &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || r.err[0] != '\0' ||
        strstr(r.out, "libmap-demo: done") == NULL)
        FAIL("race none: status 0x%x\n%s%s", r.status, r.out, r.err);
    printf("race none: exit 0 in %.0f ms\n", r.ms);

    const char *bad[][4] = {{"race", "bogus", NULL}, {"race", "write-write", "--threads", "x"},
                            {"race", NULL}, {"fly", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_demo(demo, bad[i], &r);
        char *nl = strchr(r.err, '\n');
        CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2);
        CHECK(nl != NULL && nl[1] == '\0' && strncmp(r.err, "libmap-demo: ", 13) == 0);
    }
    const char *help[] = {"--help", NULL};
    run_demo(demo, help, &r);
    CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 && strstr(r.out, "usage:") != NULL);
    printf("bad arguments: exit 2 with one line; --help: exit 0\n");
}

/* Runs one mode `runs` times with the given thread count and reports. */
static void check_mode(const char *demo, const struct mode *md, int runs, const char *threads)
{
    static struct run r;
    const char *args[] = {"race", md->name, "--threads", threads, "--timeout", "10", NULL};
    double ms[256];
    int finished = 0;
    for (int run = 0; run < runs; run++) {
        run_demo(demo, args, &r);
        finished += check_race(md, run, &r);
        ms[run] = r.ms;
    }
    qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
    printf("race %s --threads %s: %d/%d aborted with '%s' naming two announced workers "
           "(%d named a writer that had just finished); median %.0f ms, max %.0f ms\n",
           md->name, threads, runs, runs, md->message, finished, ms[runs / 2], ms[runs - 1]);
}

int main(int argc, char **argv)
{
    CHECK(argc >= 2);
    int runs = argc > 2 ? atoi(argv[2]) : 20;
    CHECK(runs >= 1 && runs <= 256);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        check_mode(argv[1], &modes[i], runs, "2");
        check_mode(argv[1], &modes[i], (runs + 3) / 4, "4");
    }
    check_other(argv[1]);
    return 0;
}
