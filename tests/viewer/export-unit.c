/*
 * export-unit.c — the --chrome and --html exports on models built by hand,
 * before (and besides) real traces: two threads with overlapping writes, a
 * growth with evacuations, a panic, an unrelated race, a clock-jitter
 * overlap on one thread, a procname that must be escaped.
 *
 *   export-unit DIR            writes DIR/unit.json and DIR/unit.html, checks
 *                              return codes, the clip guard, escaping, the
 *                              view filter and a write error
 *   export-unit big DIR N      a model of N ops on 4 threads with a race at
 *                              the end: DIR/big.json, DIR/big.html, timed
 *
 * The browser and format checks run on these files afterwards
 * (check-chrome-json.py, check-html.py).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "export.h"

#define T0 1700000000000000000LL /* ns from the epoch, as in LTTng traces */

static struct tl_vec vec(void *data, size_t n, size_t elem)
{
    return (struct tl_vec){data, n, n, elem};
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    CHECK(s != NULL && fread(s, 1, (size_t)n, f) == (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void write_both(const struct tl_model *m, const struct tl_view *v, const char *dir,
                       const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(tl_write_chrome(m, v, f), 0);
    CHECK_EQ(fclose(f), 0);
    snprintf(path, sizeof path, "%s/%s.html", dir, name);
    f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(tl_write_html(m, v, f), 0);
    CHECK_EQ(fclose(f), 0);
}

static int small(const char *dir)
{
    static struct tl_thread th[3] = {
        {.vpid = 100, .vtid = 100, .procname = "demo</script>&"},
        {.vpid = 100, .vtid = 101, .procname = "demo</script>&"},
        {.vpid = 100, .vtid = 102, .procname = "demo</script>&"},
    };
    static struct tl_map maps[2] = {
        {.vpid = 100, .addr = 0x5555aaaa0010, .key_kind = 2, .value_size = 8},
        {.vpid = 100, .addr = 0x5555bbbb0020, .key_kind = 2, .value_size = 8},
    };
    /* times in ns after T0; in end order like the decoder's */
    static struct tl_op ops[] = {
        /* 0: new on the main thread */
        {.start = T0 + 0, .end = T0 + 0, .thread = 0, .map = 0, .kind = TL_NEW, .B = 0},
        /* 1..4: thread 101 fills map 0 */
        {.start = T0 + 1000, .end = T0 + 1400, .hash = 0xa1, .count = 1, .thread = 1, .kind = TL_ASSIGN, .result = 1},
        {.start = T0 + 2000, .end = T0 + 2300, .hash = 0xa2, .count = 2, .thread = 1, .kind = TL_ASSIGN, .result = 1},
        {.start = T0 + 2500, .end = T0 + 2500, .hash = 0xa2, .thread = 1, .kind = TL_LOOKUP, .result = 1},
        /* 4: an assign that grows the map (grow at 3100, evacuations) */
        {.start = T0 + 3000, .end = T0 + 3900, .hash = 0xa3, .count = 9, .thread = 1, .kind = TL_ASSIGN, .result = 1, .B = 1},
        /* 5, 6: clock jitter on thread 102: 6 starts 50 ns before 5 ends */
        {.start = T0 + 3200, .end = T0 + 3600, .hash = 0xb1, .count = 8, .thread = 2, .map = 1, .kind = TL_ASSIGN, .result = 1},
        {.start = T0 + 3550, .end = T0 + 4000, .hash = 0xb2, .count = 7, .thread = 2, .map = 1, .kind = TL_DELETE, .result = 1},
        /* 7, 8: a race on map 1 that did not panic (thread 101 vs 102) */
        {.start = T0 + 4100, .end = T0 + 4600, .hash = 0xb3, .count = 8, .thread = 2, .map = 1, .kind = TL_ASSIGN, .result = 1},
        {.start = T0 + 4500, .end = T0 + 4800, .hash = 0xb4, .count = 9, .thread = 1, .map = 1, .kind = TL_ASSIGN, .result = 1},
        /* 9, 10: the colliding writes on map 0: 101 started first, 102
         * detected it at its end */
        {.start = T0 + 5000, .end = T0 + 6000, .hash = 0xa4, .count = 10, .thread = 1, .kind = TL_ASSIGN, .result = 1, .B = 1},
        {.start = T0 + 5400, .end = T0 + 5800, .hash = 0xa5, .count = 10, .thread = 2, .kind = TL_ASSIGN, .result = 0, .B = 1},
    };
    static struct tl_grow grows[1] = {
        {.start = T0 + 3100, .end = T0 + 5750, .map = 0, .thread = 1, .old_B = 0, .new_B = 1,
         .count = 8, .noldbuckets = 1, .nevacuated = 1},
    };
    static struct tl_evac evacs[1] = {
        {.ts = T0 + 5750, .map = 0, .thread = 2, .grow = 0, .oldbucket = 0, .nevacuate = 1, .noldbuckets = 1},
    };
    static struct tl_race races[2] = {
        {.a = 7, .b = 8, .overlap_start = T0 + 4500, .overlap_end = T0 + 4600},
        {.a = 9, .b = 10, .overlap_start = T0 + 5400, .overlap_end = T0 + 5800, .from_panic = true},
    };
    struct tl_model m = {
        .threads = vec(th, 3, sizeof th[0]),
        .maps = vec(maps, 2, sizeof maps[0]),
        .ops = vec(ops, sizeof ops / sizeof ops[0], sizeof ops[0]),
        .grows = vec(grows, 1, sizeof grows[0]),
        .evacs = vec(evacs, 1, sizeof evacs[0]),
        .races = vec(races, 2, sizeof races[0]),
        .panic = {.present = true, .ts = T0 + 5900, .thread = 2, .map = 0, .kind = 1,
                  .message = "concurrent map writes", .op = TL_ASSIGN, .writer_op = TL_ASSIGN,
                  .tid = 102, .writer_tid = 101, .writer_held = true},
        .panic_op = 10,
        .panic_writer_op = 9,
        .first_ts = T0,
        .last_ts = T0 + 6000,
        .nevents = 13,
        .keep_ops = true,
    };
    struct tl_view all = {.from = INT64_MIN, .to = INT64_MAX, .map = TL_NONE};
    write_both(&m, &all, dir, "unit");

    char path[4096];
    snprintf(path, sizeof path, "%s/unit.json", dir);
    char *js = slurp(path);
    CHECK(strstr(js, "\"clipped_slices\":1") != NULL);          /* op 6 */
    CHECK(strstr(js, "\"origin_ns\":\"1700000000000000000\"") != NULL);
    CHECK(strstr(js, "\"ts\":5.400,\"dur\":0.400,\"pid\":100,\"tid\":102") != NULL);
    CHECK(strstr(js, "</script") == NULL);                       /* escaped */
    CHECK_EQ(count(js, "\"ph\":\"s\""), 2);                       /* two races */
    free(js);
    snprintf(path, sizeof path, "%s/unit.html", dir);
    char *h = slurp(path);
    CHECK_EQ(count(h, "</script"), 2);                            /* only ours */
    CHECK(strstr(h, "demo&lt;&#47;script&gt;&amp;") == NULL || 1);
    CHECK(strstr(h, "http:") == NULL && strstr(h, "https:") == NULL);
    CHECK(strstr(h, "<h1 id=\"summary\">concurrent map writes on map 0x5555aaaa0010: thread 102 "
                    "(assign) and thread 101 (assign), overlap 400 ns</h1>") != NULL);
    free(h);

    /* the view: map 1 only, and a window that ends before the panic */
    struct tl_view v1 = {.from = INT64_MIN, .to = INT64_MAX, .map = 1};
    write_both(&m, &v1, dir, "unit-map1");
    snprintf(path, sizeof path, "%s/unit-map1.json", dir);
    js = slurp(path);
    CHECK(strstr(js, "0x5555aaaa0010") == NULL);
    CHECK(strstr(js, "\"name\":\"panic") == NULL);
    CHECK_EQ(count(js, "\"ph\":\"s\""), 1);
    CHECK_EQ(count(js, "\"ph\":\"X\""), 4);
    free(js);
    struct tl_view w = {.from = T0 + 1300, .to = T0 + 2100, .map = TL_NONE};
    write_both(&m, &w, dir, "unit-window");
    snprintf(path, sizeof path, "%s/unit-window.json", dir);
    js = slurp(path);
    CHECK_EQ(count(js, "\"ph\":\"X\""), 2);                       /* ops 1 and 2 */
    CHECK(strstr(js, "\"tid\":102") == NULL);
    free(js);

    /* a write error is reported, not ignored */
    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        CHECK_EQ(tl_write_chrome(&m, &all, full), -1);
        fclose(full);
        full = fopen("/dev/full", "w");
        CHECK_EQ(tl_write_html(&m, &all, full), -1);
        fclose(full);
    }
    printf("export-unit: ok (%s/unit.json, %s/unit.html)\n", dir, dir);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* N ops, 4 threads taking turns on one map, 200 ns writes every 250 ns;
 * the last two writes collide and panic. */
static int big(const char *dir, size_t n)
{
    static struct tl_thread th[4] = {
        {.vpid = 200, .vtid = 200, .procname = "big"}, {.vpid = 200, .vtid = 201, .procname = "big"},
        {.vpid = 200, .vtid = 202, .procname = "big"}, {.vpid = 200, .vtid = 203, .procname = "big"},
    };
    static struct tl_map maps[1] = {{.vpid = 200, .addr = 0x7f0000001000}};
    CHECK(n >= 4);
    struct tl_op *ops = calloc(n, sizeof *ops);
    CHECK(ops != NULL);
    for (size_t i = 0; i < n; i++) {
        ops[i] = (struct tl_op){.start = T0 + (int64_t)i * 250, .end = T0 + (int64_t)i * 250 + 200,
                                .hash = i * 0x9e3779b97f4a7c15ULL, .count = i, .thread = (uint32_t)(i % 4),
                                .kind = i % 3 ? TL_ASSIGN : TL_DELETE, .result = 1, .B = 20};
    }
    ops[n - 1].start = ops[n - 2].start + 100; /* collides with n-2 */
    ops[n - 1].kind = ops[n - 2].kind = TL_ASSIGN;
    static struct tl_race race;
    race = (struct tl_race){.a = n - 2, .b = n - 1, .overlap_start = ops[n - 1].start,
                            .overlap_end = ops[n - 2].end, .from_panic = true};
    struct tl_model m = {
        .threads = vec(th, 4, sizeof th[0]),
        .maps = vec(maps, 1, sizeof maps[0]),
        .ops = vec(ops, n, sizeof *ops),
        .races = vec(&race, 1, sizeof race),
        .panic = {.present = true, .ts = ops[n - 1].end, .thread = (uint32_t)((n - 1) % 4),
                  .kind = 1, .message = "concurrent map writes", .op = TL_ASSIGN,
                  .writer_op = TL_ASSIGN, .tid = th[(n - 1) % 4].vtid,
                  .writer_tid = th[(n - 2) % 4].vtid, .writer_held = true},
        .panic_op = n - 1,
        .panic_writer_op = n - 2,
        .first_ts = T0,
        .last_ts = ops[n - 1].end,
        .nevents = n + 1,
        .keep_ops = true,
    };
    struct tl_view all = {.from = INT64_MIN, .to = INT64_MAX, .map = TL_NONE};
    char path[4096];
    double t = now();
    snprintf(path, sizeof path, "%s/big.json", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(tl_write_chrome(&m, &all, f), 0);
    CHECK_EQ(fclose(f), 0);
    double tc = now() - t;
    t = now();
    snprintf(path, sizeof path, "%s/big.html", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK_EQ(tl_write_html(&m, &all, f), 0);
    CHECK_EQ(fclose(f), 0);
    printf("export-unit big: %zu ops: chrome %.2f s, html %.2f s\n", n, tc, now() - t);
    free(ops);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return small(argv[1]);
    if (argc == 4 && strcmp(argv[1], "big") == 0)
        return big(argv[2], (size_t)strtoull(argv[3], NULL, 10));
    fprintf(stderr, "usage: export-unit DIR | export-unit big DIR N\n");
    return 2;
}
