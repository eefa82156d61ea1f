/*
 * demo-args.c — libmap-demo's command line: usage text and strict parsing
 * (any bad argument is a one-line error and exit status 2).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static const char usage[] =
    "usage: libmap-demo race MODE [--threads N] [--keys N] [--grow] [--warmup N]\n"
    "                             [--ops N] [--timeout SECONDS]\n"
    "       libmap-demo fixed MODE [--variant sync|shard] [--threads N] [--keys N]\n"
    "                              [--grow] [--ops N]\n"
    "       libmap-demo --help\n"
    "\n"
    "Produces a real data race on one libmap map with free-running threads, so\n"
    "that libmap's always-on detector aborts the process with Go's message.\n"
    "The workers first use the map correctly under a mutex (--warmup), then\n"
    "all drop the lock at once:\n"
    "\n"
    "  write-write  all workers assign and delete random u64 keys without a lock\n"
    "               -> fatal error: concurrent map writes\n"
    "  read-write   worker 0 writes, the others look keys up\n"
    "               -> fatal error: concurrent map read and map write\n"
    "  iter-write   worker 0 writes, the others iterate over the map repeatedly\n"
    "               -> fatal error: concurrent map iteration and map write\n"
    "  none         every worker does a mix of assign, delete, lookup and short\n"
    "               iterations under one mutex, --ops times, then exits 0\n"
    "\n"
    "options:\n"
    "  --threads N      worker threads (default 2; at least 2 for a race)\n"
    "  --keys N         keys are drawn from [0, N) (default 65536); the map is\n"
    "                   filled with all of them before the workers start\n"
    "  --grow           start from an empty map instead, so the race happens\n"
    "                   while the map grows; with write-write, two writers that\n"
    "                   overlap inside growth can, rarely, corrupt the heap\n"
    "                   before libmap catches them (a different crash)\n"
    "  --warmup N       races: operations per worker under the mutex before the\n"
    "                   lock is dropped (default 1000; 0: race at once)\n"
    "  --ops N          race none: operations per worker (default 200000)\n"
    "  --timeout S      exit with status 3 if no race was detected after S\n"
    "                   seconds (default 30)\n"
    "\n"
    "Output (stdout, flushed before the workers start), one line each:\n"
    "  libmap-demo: pid PID mode MODE threads N keys N\n"
    "  libmap-demo: map 0xADDRESS entries N\n"
    "  libmap-demo: worker I tid TID (writer|reader|iterator|mixed)\n"
    "  libmap-demo: start\n"
    "On detection libmap writes to stderr 'fatal error: MESSAGE' and a line\n"
    "naming the map, the detecting thread's TID and the writer's TID, then\n"
    "aborts (SIGABRT). race none ends with 'libmap-demo: done ...' and status 0.\n"
    "\n"
    "fixed MODE runs the workload of race MODE (write-write, read-write or\n"
    "iter-write), --ops operations per worker, on a map that is safe from many\n"
    "threads (docs/safe-maps.md): --variant sync (libmap_sync, one lock, the\n"
    "default) or shard (libmap_shard, one lock per shard). Then it replays\n"
    "every write on one thread in the order they took effect and compares:\n"
    "'libmap-demo: done, ... the same contents as a single-threaded replay' and\n"
    "status 0, or the differences and status 1.\n";

/* Prints "libmap-demo: <message> (try libmap-demo --help)"; returns 2. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("libmap-demo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (try libmap-demo --help)\n", stderr);
    va_end(ap);
    return 2;
}

static int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    if (s == NULL)
        return fail("option %s needs a value", opt);
    if (*s < '0' || *s > '9')
        return fail("invalid number '%s'", s);
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return fail("invalid number '%s'", s);
    if (v < min || v > max)
        return fail("%s must be between %llu and %llu", opt, (unsigned long long)min,
                    (unsigned long long)max);
    *out = v;
    return 0;
}

static int parse_mode(const char *s, enum demo_mode *mode)
{
    static const struct {
        const char *name;
        enum demo_mode mode;
    } modes[] = {{"write-write", MODE_WRITE_WRITE},
                 {"read-write", MODE_READ_WRITE},
                 {"iter-write", MODE_ITER_WRITE},
                 {"none", MODE_NONE}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(s, modes[i].name) == 0) {
            *mode = modes[i].mode;
            return 0;
        }
    }
    return fail("unknown race mode '%s'", s);
}

/* Splits "--name=value" into name and value; otherwise takes the value from
 * the next argument. */
static const char *option_value(int argc, char **argv, int *i, char *name, size_t namesz)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    if (eq != NULL) {
        size_t n = (size_t)(eq - arg);
        if (n >= namesz)
            n = namesz - 1;
        memcpy(name, arg, n);
        name[n] = '\0';
        return eq + 1;
    }
    snprintf(name, namesz, "%s", arg);
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int demo_parse_args(int argc, char **argv, struct demo_options *o)
{
    *o = (struct demo_options){.threads = 2, .keys = 65536, .ops = 200000, .warmup = 1000,
                             .timeout_s = 30};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
    }
    if (argc < 2)
        return fail("missing command: expected 'race MODE' or 'fixed MODE'");
    if (strcmp(argv[1], "fixed") == 0)
        o->fixed = true;
    else if (strcmp(argv[1], "race") != 0)
        return fail("unknown command '%s': expected 'race' or 'fixed'", argv[1]);
    bool have_mode = false;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            if (have_mode)
                return fail("unexpected argument '%s'", arg);
            if (parse_mode(arg, &o->mode) != 0)
                return 2;
            have_mode = true;
            continue;
        }
        if (strcmp(arg, "--grow") == 0) {
            o->grow = true;
            continue;
        }
        char name[32];
        const char *val = option_value(argc, argv, &i, name, sizeof name);
        uint64_t v;
        int rc;
        if (strcmp(name, "--threads") == 0) {
            if ((rc = parse_u64(name, val, 1, 64, &v)) != 0)
                return rc;
            o->threads = (unsigned)v;
        } else if (strcmp(name, "--keys") == 0) {
            if ((rc = parse_u64(name, val, 1, UINT64_C(1) << 26, &o->keys)) != 0)
                return rc;
        } else if (strcmp(name, "--ops") == 0) {
            if ((rc = parse_u64(name, val, 1, UINT64_C(1) << 40, &o->ops)) != 0)
                return rc;
        } else if (strcmp(name, "--warmup") == 0 && !o->fixed) {
            if ((rc = parse_u64(name, val, 0, UINT64_C(1) << 40, &o->warmup)) != 0)
                return rc;
        } else if (strcmp(name, "--variant") == 0 && o->fixed) {
            if (val != NULL && strcmp(val, "sync") == 0)
                o->variant = VARIANT_SYNC;
            else if (val != NULL && strcmp(val, "shard") == 0)
                o->variant = VARIANT_SHARD;
            else
                return fail("--variant must be sync or shard");
        } else if (strcmp(name, "--timeout") == 0 && !o->fixed) {
            if ((rc = parse_u64(name, val, 1, 3600, &v)) != 0)
                return rc;
            o->timeout_s = (unsigned)v;
        } else {
            return fail("unknown option '%s'", arg);
        }
    }
    if (!have_mode)
        return fail("missing race mode: write-write, read-write, iter-write or none");
    if (o->fixed && o->mode == MODE_NONE)
        return fail("fixed runs write-write, read-write or iter-write");
    if (o->fixed && o->ops > (UINT64_C(1) << 26))
        return fail("--ops must be at most %llu with fixed (every write is logged)",
                    (unsigned long long)(UINT64_C(1) << 26));
    if (o->mode != MODE_NONE && o->threads < 2)
        return fail("--threads must be at least 2 for a race");
    return 0;
}
