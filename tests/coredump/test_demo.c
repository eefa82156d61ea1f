/*
 * test_demo.c — libmap-coredump on real cores of `libmap-demo race
 * write-write` (free-running threads, no hook):
 *   test_demo ANALYZER DEMO [RUNS]
 * For each run (default 10) the demo prints its map and its workers' TIDs
 * ("libmap-demo: worker N tid T ...") and aborts; the analyzer, on the
 * core, must name both racing TIDs (two distinct workers, detecting thread
 * first) with symbolized stacks through the demo's worker, inside libmap
 * for the detector and for a writer that still held the map, and
 * reconstruct the map the demo named. Every run must pass: 10 cores out of
 * 10.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness.h"
#include "minijson.h"

#define MAX_WORKERS 64

/* Failures name their run. */
static int current_run;

static void print_run(FILE *out, const void *run)
{
    fprintf(out, "  (run %d)\n", *(const int *)run);
}

/* One core of the demo analyzed; returns its number of failures. */
static int one_run(const char *analyzer, const char *demo, int run)
{
    int failed_before = check_failures;
    current_run = run;
    check_context(print_run, &current_run);
    char why[1024];
    struct crash c;
    char *dargv[] = {(char *)demo, "race", "write-write", NULL};
    if (crash_run(dargv, NULL, &c, why, sizeof why) != 0) {
        fprintf(stderr, "FAIL run %d: %s\n", run, why);
        crash_free(&c, 1);
        return 1;
    }
    int64_t tids[MAX_WORKERS];
    int ntids = 0;
    uint64_t map_addr = 0;
    for (char *line = c.run.out; line && *line;) {
        char *nl = strchr(line, '\n');
        unsigned w;
        long long tid;
        unsigned long long addr;
        if (sscanf(line, "libmap-demo: worker %u tid %lld", &w, &tid) == 2 && ntids < MAX_WORKERS)
            tids[ntids++] = tid;
        else if (sscanf(line, "libmap-demo: map %llx", &addr) == 1)
            map_addr = addr;
        line = nl ? nl + 1 : NULL;
    }
    EXPECT(ntids >= 2, "the demo printed %d worker TIDs", ntids);

    char *env[] = {"-DEBUGINFOD_URLS", NULL};
    char *aargv[] = {(char *)analyzer, "--json", (char *)demo, c.core, NULL};
    struct run r;
    if (run_cmd(aargv, NULL, env, 0, 120, &r) != 0) {
        crash_free(&c, 1);
        return 1;
    }
    int code = run_code(&r);
    char err[256];
    struct jval *rep = json_parse(r.out, r.out_len, err, sizeof err);
    EXPECT(rep != NULL, "analyzer JSON: %s (exit %d, stderr %s)", err, code, r.err);
    if (rep == NULL) {
        run_free(&r);
        crash_free(&c, 1);
        return 1;
    }
    /* a free race can leave a write half done: exit 1 (verification) is a
     * finding, not a failure of the analyzer */
    EXPECT(code == 0 || code == 1, "analyzer exit code %d; stderr: %s", code, r.err);
    int64_t dt = ji64(rep, "panic.tid", 0), wt = ji64(rep, "panic.writer_tid", 0);
    int dt_worker = 0, wt_worker = 0;
    for (int i = 0; i < ntids; i++) {
        dt_worker |= tids[i] == dt;
        wt_worker |= tids[i] == wt;
    }
    EXPECT(jbool(rep, "panic.present", 0), "no panic record");
    EXPECT(dt_worker && wt_worker && dt != wt,
           "panic names threads %" PRId64 " and %" PRId64 ", not two of the demo's workers", dt,
           wt);
    const struct jval *th = jget(rep, "threads");
    EXPECT(th && th->n >= 2, "fewer than two threads");
    for (int k = 0; th && k < 2 && (size_t)k < th->n; k++) {
        const struct jval *t = th->items[k];
        int64_t want = k == 0 ? dt : wt;
        EXPECT(ji64(t, "tid", 0) == want, "thread %d is %" PRId64 ", expected %" PRId64, k,
               ji64(t, "tid", 0), want);
        EXPECT(strcmp(jstr(t, "role", ""), k == 0 ? "detecting" : "writer") == 0, "role of %d", k);
        const struct jval *fr = jget(t, "frames");
        int named_libmap = 0, named_demo = 0;
        for (size_t i = 0; fr && i < fr->n; i++) {
            const char *fn = jstr(fr->items[i], "function", "");
            if (jbool(fr->items[i], "in_libmap", 0) && strncmp(fn, "libmap_", 7) == 0 &&
                jstr(fr->items[i], "file", NULL))
                named_libmap = 1;
            if (strstr(fn, "worker") && jstr(fr->items[i], "file", NULL))
                named_demo = 1;
        }
        /* Only the detecting thread is sure to be inside libmap (in its
         * panic path). The writer may have finished its write and left
         * libmap before the panic froze the map: when it had already
         * released it (writer_held false), and also when it still held it
         * at the detection but passed its own final check before the
         * freeze landed (libmap/src/detect.c). Its worker frame is always
         * there. */
        bool must_be_in_libmap = k == 0;
        EXPECT((named_libmap || !must_be_in_libmap) && named_demo,
               "thread %" PRId64 ": stack lacks a symbolized %sthe demo's worker frame", want,
               must_be_in_libmap ? "libmap_ frame or " : "");
    }
    EXPECT(ju64(rep, "map.address", 0) == map_addr && map_addr != 0,
           "map 0x%" PRIx64 " analyzed, the demo named 0x%" PRIx64, ju64(rep, "map.address", 0),
           map_addr);
    const struct jval *entries = jpath(rep, "map.entries");
    EXPECT(entries && entries->n > 0, "no entries reconstructed");
    if (code == 0)
        EXPECT(entries && entries->n == ju64(rep, "map.count", 0), "%zu entries, count %" PRIu64,
               entries ? entries->n : 0, ju64(rep, "map.count", 0));
    printf("run %d: threads %" PRId64 " (detecting) and %" PRId64 " (writer), map 0x%" PRIx64
           " with %zu entries, growth %s, verification %s\n",
           run, dt, wt, map_addr, entries ? entries->n : 0, jstr(rep, "map.growth.state", "?"),
           code == 0 ? "OK" : "found damage");
    const struct jval *vf = jpath(rep, "verification.failures");
    for (size_t i = 0; vf && i < vf->n && i < 5; i++)
        printf("  [%s] %s\n", jstr(vf->items[i], "check", ""), jstr(vf->items[i], "message", ""));
    json_free(rep);
    run_free(&r);

    char *targv[] = {(char *)analyzer, (char *)demo, c.core, NULL};
    struct run t;
    if (run_cmd(targv, NULL, env, 0, 120, &t) == 0) {
        char a[64], b[64];
        snprintf(a, sizeof a, "thread %" PRId64 " — detecting", dt);
        snprintf(b, sizeof b, "thread %" PRId64 " — writer", wt);
        EXPECT(strstr(t.out, a) && strstr(t.out, b), "text report does not name both threads:\n%s",
               t.out);
        run_free(&t);
    }
    int fails = check_failures - failed_before;
    if (fails)
        fprintf(stderr, "run %d: core kept in %s\n", run, c.dir);
    crash_free(&c, fails != 0);
    return fails;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_demo ANALYZER DEMO [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 10;
    char why[512];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    int bad = 0;
    for (int i = 1; i <= runs; i++)
        bad += one_run(argv[1], argv[2], i) != 0;
    printf("%d of %d demo cores analyzed correctly\n", runs - bad, runs);
    return bad ? 1 : 0;
}
