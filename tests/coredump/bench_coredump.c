/*
 * bench_coredump.c — the analyzer's benchmark: a core holding an N-entry
 * u64 map (default 10M), full analysis with verification against reading
 * the core once with cat (warm page cache), plus peak memory:
 *   bench_coredump ANALYZER FIXTURE [N] [RUNS]
 * Prints the core size, cat's and the analyzer's best and median wall
 * times over RUNS (default 5), their ratio, the analyzer's peak RSS, and
 * its phase times (LIBMAP_COREDUMP_TIMING). Figures: docs/performance.md.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv with stdout to /dev/null (stderr to err_path if given);
 * returns wall seconds, sets *maxrss_kb and *code. */
static double last_cpu; /* user + system seconds of the last timed() child */

static double timed(char *const argv[], const char *err_path, char *const env[], long *maxrss_kb,
                    int *code)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        if (err_path) {
            int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(e, 2);
        }
        for (size_t i = 0; env && env[i]; i++)
            putenv(env[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    double t = now() - t0;
    last_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    if (maxrss_kb)
        *maxrss_kb = ru.ru_maxrss;
    if (code)
        *code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return t;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_coredump ANALYZER FIXTURE [N] [RUNS]\n");
        return 2;
    }
    const char *analyzer = argv[1], *fixture = argv[2];
    const char *n = argc > 3 ? argv[3] : "10000000";
    int runs = argc > 4 ? atoi(argv[4]) : 5;
    if (runs < 1 || runs > 100)
        runs = 5;
    char why[1024];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    char mode[64];
    snprintf(mode, sizeof mode, "big:%s", n);
    char *fargv[] = {(char *)fixture, mode, NULL};
    struct crash c;
    printf("building a %s-entry map and crashing...\n", n);
    fflush(stdout);
    if (crash_run(fargv, NULL, &c, why, sizeof why) != 0) {
        fprintf(stderr, "FAIL: %s\n", why);
        return 1;
    }
    struct stat st;
    stat(c.core, &st);
    char cat[] = "/bin/cat";
    char *cargv[] = {cat, c.core, NULL};
    char *aargv[] = {(char *)analyzer, (char *)fixture, c.core, NULL};
    timed(cargv, NULL, NULL, NULL, NULL); /* warm the page cache */
    double tc[100], ta[100], cc[100], ca[100];
    long rss = 0, r;
    int code = 0;
    for (int i = 0; i < runs; i++) {
        tc[i] = timed(cargv, NULL, NULL, NULL, NULL);
        cc[i] = last_cpu;
        ta[i] = timed(aargv, NULL, NULL, &r, &code);
        ca[i] = last_cpu;
        if (r > rss)
            rss = r;
        if (code != 0) {
            fprintf(stderr, "FAIL: the analyzer exited %d\n", code);
            crash_free(&c, 1);
            return 1;
        }
    }
    qsort(tc, (size_t)runs, sizeof tc[0], cmp_d);
    qsort(ta, (size_t)runs, sizeof ta[0], cmp_d);
    qsort(cc, (size_t)runs, sizeof cc[0], cmp_d);
    qsort(ca, (size_t)runs, sizeof ca[0], cmp_d);
    char errp[4200];
    snprintf(errp, sizeof errp, "%.4000s/timing.txt", c.dir);
    char timing[] = "LIBMAP_COREDUMP_TIMING=1";
    char *tenv[] = {timing, NULL};
    char nosb[] = "--no-sandbox";
    char *targv[] = {(char *)analyzer, nosb, (char *)fixture, c.core, NULL};
    timed(targv, errp, tenv, NULL, NULL);
    char *phases = read_file(errp, NULL);

    double mib = (double)st.st_size / (1 << 20);
    printf("core: %.0f MiB, map of %s u64 entries\n", mib, n);
    printf("cat core > /dev/null:      best %.3f s, median %.3f s (%.0f MiB/s)\n", tc[0],
           tc[runs / 2], mib / tc[0]);
    printf("libmap-coredump EXE CORE:  best %.3f s, median %.3f s\n", ta[0], ta[runs / 2]);
    printf("ratio (best/best):         %.1fx\n", ta[0] / tc[0]);
    printf("CPU time (user+sys):       cat best %.3f s, analyzer best %.3f s (%.1fx; all "
           "threads)\n",
           cc[0], ca[0], ca[0] / (cc[0] > 0 ? cc[0] : 1e-9));
    double load[3] = {0};
    if (getloadavg(load, 3) > 0)
        printf("load average:              %.2f (other processes share the CPUs)\n", load[0]);
    printf("peak RSS:                  %ld MiB (%.0f%% of the core)\n", rss / 1024,
           100.0 * (double)rss * 1024 / (double)st.st_size);
    printf("phases (one run, --no-sandbox):\n%s", phases ? phases : "");
    free(phases);
    crash_free(&c, 0);
    return 0;
}
