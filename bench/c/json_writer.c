/*
 * json_writer.c — bench-json-writer: the time and peak RSS of writing a
 * 10M-entry-shaped (libmap-coredump --json) or 10M-event-shaped
 * (libmap-timeline --chrome) document with the suite's JSON writer or with
 * a Debian library building a tree (json-c, jansson), issue 13.
 *
 *   bench-json-writer WRITER SHAPE [N] > FILE
 *     WRITER  jsonw | json-c | json-c-item | jansson | jansson-item
 *             (-item: one small tree per item, written and freed at once)
 *     SHAPE   entries | events          N  items (default 10000000)
 *
 * One line on stderr: writer, shape, N, elapsed seconds, CPU seconds (user
 * + system: less disturbed by a busy machine), peak RSS in MiB.
 * See docs/performance.md, "One JSON writer (issue 13)".
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "json_shapes.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[2], "entries") && strcmp(argv[2], "events"))) {
        fprintf(stderr, "usage: bench-json-writer jsonw|json-c[-item]|jansson[-item] "
                        "entries|events [N]\n");
        return 2;
    }
    const char *w = argv[1];
    int events = strcmp(argv[2], "events") == 0;
    uint64_t n = argc == 4 ? strtoull(argv[3], NULL, 10) : 10000000;
    int per_item = strstr(w, "-item") != NULL;
    double t0 = now();
    int rc;
    if (strcmp(w, "jsonw") == 0)
        rc = bj_write_jsonw(events, n, stdout);
#ifdef BJ_HAVE_JSONC
    else if (strncmp(w, "json-c", 6) == 0)
        rc = bj_write_jsonc(events, n, stdout, per_item);
#endif
#ifdef BJ_HAVE_JANSSON
    else if (strncmp(w, "jansson", 7) == 0)
        rc = bj_write_jansson(events, n, stdout, per_item);
#endif
    else
        rc = -2;
    if (rc == -2) {
        fprintf(stderr, "bench-json-writer: %s: unknown, or not built (json-c and jansson "
                        "need libjson-c-dev, libjansson-dev)\n", w);
        return 2;
    }
    int failed = fflush(stdout) != 0 || rc != 0;
    double secs = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    fprintf(stderr, "%s %s %llu: %.2f s, CPU %.2f s, peak RSS %.0f MiB%s\n", w, argv[2],
            (unsigned long long)n, secs, cpu, (double)ru.ru_maxrss / 1024,
            failed ? ", FAILED to write" : "");
    if (failed)
        return 1;
    return 0;
}
