/*
 * harness.c — what the C harness programs share: the globals of timer.h,
 * options, per-loop time buffers and the statistic (see harness.h).
 */
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "timer.h"

volatile uint64_t bench_sink;
clockid_t bench_clock = CLOCK_MONOTONIC;

const char *const phase_names[PH_COUNT] = {"insert", "hit", "miss", "iterate", "delete"};

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--sizes N[,N...]] [--kinds u64,str] [--reps N] [--warmup N]\n"
            "          [--min-ops N] [--cpu-clock-min N] [--round LABEL] [--dump-keys N]\n"
            "  --sizes    entries per map (default 1000,1000000)\n"
            "  --kinds    key kinds (default u64,str)\n"
            "  --reps     measured repetitions (default 1)\n"
            "  --warmup   unmeasured repetitions first (default 1)\n"
            "  --min-ops  repeat small maps until each phase has this many ops\n"
            "             (default 2000000)\n"
            "  --cpu-clock-min N  time maps of at least N entries with process CPU\n"
            "             time, smaller ones with wall time (default 100000)\n"
            "  --round    label printed in the sample lines (default 0)\n"
            "  --dump-keys N  print the 2N keys of each kind and the probe order,\n"
            "             and exit (to check that C and Go use the same keys)\n",
            prog);
}

static int parse_num(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static void dump_keys(size_t n)
{
    struct keyset ks;
    keys_make(&ks, n, 1, 1);
    for (size_t j = 0; j < 2 * ks.n; j++)
        printf("%016" PRIx64 " %s\n", ks.u64[j], ks.str[j]);
    for (size_t i = 0; i < ks.n; i++)
        printf("probe %" PRIu32 " %016" PRIx64 " %s\n", ks.order[i], ks.probe_u64[i],
               ks.probe_str[i]);
    keys_free(&ks);
}

int bench_parse(struct bench_opts *o, int argc, char **argv, const char *prog)
{
    memset(o, 0, sizeof *o);
    snprintf(o->sizes, sizeof o->sizes, "1000,1000000");
    o->want_u64 = o->want_str = 1;
    o->reps = 1;
    o->warmup = 1;
    o->min_ops = 2000000;
    o->cpu_clock_min = 100000;
    o->round = "0";
    for (int a = 1; a < argc; a++) {
        const char *opt = argv[a];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout, prog);
            return 1;
        }
        if (a + 1 >= argc) {
            usage(stderr, prog);
            return 2;
        }
        const char *val = argv[++a];
        unsigned long long *num = NULL;
        if (strcmp(opt, "--sizes") == 0) {
            snprintf(o->sizes, sizeof o->sizes, "%s", val);
        } else if (strcmp(opt, "--kinds") == 0) {
            o->want_u64 = strstr(val, "u64") != NULL;
            o->want_str = strstr(val, "str") != NULL;
        } else if (strcmp(opt, "--round") == 0) {
            o->round = val;
        } else if (strcmp(opt, "--reps") == 0 || strcmp(opt, "--pairs") == 0) {
            num = &o->reps;
        } else if (strcmp(opt, "--warmup") == 0) {
            num = &o->warmup;
        } else if (strcmp(opt, "--min-ops") == 0) {
            num = &o->min_ops;
        } else if (strcmp(opt, "--cpu-clock-min") == 0) {
            num = &o->cpu_clock_min;
        } else if (strcmp(opt, "--dump-keys") == 0) {
            unsigned long long n;
            if (parse_num(val, &n) != 0) {
                usage(stderr, prog);
                return 2;
            }
            dump_keys((size_t)n);
            return 1;
        } else {
            usage(stderr, prog);
            return 2;
        }
        if (num != NULL && parse_num(val, num) != 0) {
            fprintf(stderr, "%s: bad number for %s: %s\n", prog, opt, val);
            return 2;
        }
    }
    return 0;
}

size_t bench_next_size(struct bench_opts *o, int first)
{
    for (;;) {
        char *tok = strtok(first ? o->sizes : NULL, ",");
        first = 0;
        if (tok == NULL)
            return 0;
        unsigned long long n;
        if (parse_num(tok, &n) != 0 || n > UINT32_MAX) {
            fprintf(stderr, "bench: bad size %s\n", tok);
            exit(2);
        }
        if (n != 0)
            return (size_t)n;
    }
}

size_t bench_loops(const struct bench_opts *o, size_t n)
{
    bench_clock = n >= o->cpu_clock_min ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
    size_t loops = (size_t)((o->min_ops + n - 1) / n);
    return loops ? loops : 1;
}

void phase_time_alloc(struct phase_time *t, size_t loops)
{
    for (int p = 0; p < PH_COUNT; p++) {
        t->ns[p] = malloc(loops * sizeof *t->ns[p]);
        BENCH_CHECK(t->ns[p] != NULL, "out of memory");
    }
}

void phase_time_free(struct phase_time *t)
{
    for (int p = 0; p < PH_COUNT; p++)
        free(t->ns[p]);
}

void phase_time_run(struct phase_time *t, size_t loops,
                    void (*run)(const struct keyset *, size_t, struct phase_time *),
                    const struct keyset *ks)
{
    for (int p = 0; p < PH_COUNT; p++)
        memset(t->ns[p], 0, loops * sizeof *t->ns[p]);
    run(ks, loops, t);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

double loop_mean_per_op(uint64_t *v, size_t loops, size_t n)
{
    qsort(v, loops, sizeof *v, cmp_u64);
    double med = loops % 2 ? (double)v[loops / 2]
                           : ((double)v[loops / 2 - 1] + (double)v[loops / 2]) / 2;
    double sum = 0;
    size_t kept = 0;
    for (size_t i = 0; i < loops && (double)v[i] <= 10 * med; i++, kept++)
        sum += (double)v[i];
    return sum / (double)kept / (double)n;
}
