/*
 * test_fixture.c — one known-state crash fixture against libmap-coredump:
 *   test_fixture ANALYZER FIXTURE MODE [--nodebug] [--filter=HEX] [--threads=N]
 * crashes FIXTURE MODE in a fresh directory (a real race, a real core),
 * then checks that libmap-coredump --json reports exactly what the
 * fixture's oracle says: both racing TIDs with symbolized stacks (the
 * writer inside libmap_assign), the map's header and growth state, the
 * layout it was built with, the key/value set entry for entry, and a
 * verification that passes — or, for the corrupt modes, fails at the
 * bucket and slot the fixture damaged. The text report must name both
 * threads too. --nodebug: libmap has no debug info, so the report must
 * say so, and frames are named from .dynsym. --filter=HEX: the fixture sets
 * its coredump_filter to HEX (0x3f dumps file-backed pages too), so the
 * layout descriptor must be read from the core instead of the file.
 * --static: libmap is linked into the fixture, which defines the layout.
 * --threads=N: the analyzer verifies the current buckets in N slices side
 * by side (as it does for large maps), which must change nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness.h"
#include "minijson.h"


static const struct jval *find_thread(const struct jval *threads, int64_t tid)
{
    for (size_t i = 0; threads && i < threads->n; i++)
        if (ji64(threads->items[i], "tid", -1) == tid)
            return threads->items[i];
    return NULL;
}

/* A frame whose function starts with prefix (contains it, with '*' first). */
static int has_frame(const struct jval *t, const char *prefix, int need_file)
{
    const struct jval *fr = jget(t, "frames");
    for (size_t i = 0; fr && i < fr->n; i++) {
        const char *fn = jstr(fr->items[i], "function", NULL);
        int match = fn && (prefix[0] == '*' ? strstr(fn, prefix + 1) != NULL
                                            : strncmp(fn, prefix, strlen(prefix)) == 0);
        if (match &&
            (!need_file || jstr(fr->items[i], "file", NULL) != NULL))
            return 1;
    }
    return 0;
}

/* "key|value" in a canonical form shared by the oracle and the analyzer. */
static char *canon(const struct jval *e)
{
    const struct jval *k = jget(e, "key_hex");
    if (k == NULL)
        k = jget(e, "key");
    const char *v = jstr(e, "value_hex", "?");
    if (k == NULL)
        return strdup("?");
    size_t n = k->slen + strlen(v) + 8;
    char *s = malloc(n);
    snprintf(s, n, "%s:%s|%s", k->type == J_NUM ? "n" : "h", k->s, v);
    return s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **canon_list(const struct jval *arr, size_t *n)
{
    *n = arr ? arr->n : 0;
    char **l = calloc(*n + 1, sizeof *l);
    for (size_t i = 0; i < *n; i++)
        l[i] = canon(arr->items[i]);
    qsort(l, *n, sizeof *l, cmp_str);
    return l;
}

static void compare_entries(const struct jval *oracle, const struct jval *rep)
{
    size_t no, nr;
    char **o = canon_list(jget(oracle, "entries"), &no);
    char **r = canon_list(jpath(rep, "map.entries"), &nr);
    EXPECT(no == nr, "entries: oracle has %zu, analyzer %zu", no, nr);
    size_t i = 0, j = 0, shown = 0;
    while (i < no || j < nr) {
        int c = i == no ? 1 : j == nr ? -1 : strcmp(o[i], r[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        if (shown++ < 10)
            fprintf(stderr, "  %s %s\n", c < 0 ? "missing from the analyzer:" : "not in the oracle:",
                    c < 0 ? o[i] : r[j]);
        check_failures++;
        if (c < 0)
            i++;
        else
            j++;
    }
    for (size_t k = 0; k < no; k++)
        free(o[k]);
    for (size_t k = 0; k < nr; k++)
        free(r[k]);
    free(o);
    free(r);
    printf("entries: %zu in the oracle, %zu in the analyzer's report\n", no, nr);
}

static void check_damage(const struct jval *dmg, const struct jval *rep)
{
    const struct jval *fails = jpath(rep, "verification.failures");
    const char *check = jstr(dmg, "check", "");
    int found = 0;
    for (size_t i = 0; fails && i < fails->n; i++) {
        const struct jval *f = fails->items[i];
        if (strcmp(jstr(f, "check", ""), check) != 0 ||
            strcmp(jstr(f, "array", ""), jstr(dmg, "array", "")) != 0 ||
            ju64(f, "bucket", UINT64_MAX) != ju64(dmg, "bucket", 0))
            continue;
        /* a chain shared across verification slices is found when the
         * slices' sets are merged: the bucket is known, not the position */
        int shared = strcmp(check, "shared_overflow") == 0;
        if (!shared && ju64(f, "overflow", UINT64_MAX) != ju64(dmg, "overflow", 0))
            continue;
        if (jisnull(dmg, "slot") ? !jisnull(f, "slot")
                                 : ju64(f, "slot", UINT64_MAX) != ju64(dmg, "slot", 0))
            continue;
        found = 1;
        printf("damage found: [%s] %s bucket %" PRIu64 " overflow %" PRIu64 ": %s\n", check,
               jstr(f, "array", ""), ju64(f, "bucket", 0), ju64(f, "overflow", 0),
               jstr(f, "message", ""));
    }
    EXPECT(found, "verification did not report [%s] at %s bucket %" PRIu64 " overflow %" PRIu64,
           check, jstr(dmg, "array", ""), ju64(dmg, "bucket", 0), ju64(dmg, "overflow", 0));
    EXPECT(!jbool(rep, "verification.ok", 1), "verification.ok is true on a damaged map");
}

static void check_other_maps(const char *analyzer, const char *fixture, const char *core,
                             char **env, const struct jval *oracle, const struct jval *others)
{
    char *argv[] = {(char *)analyzer, "--json", "--all-maps", (char *)fixture, (char *)core, NULL};
    struct run r;
    char err[256];
    if (run_cmd(argv, NULL, env, 0, 120, &r) != 0)
        return;
    struct jval *rep = json_parse(r.out, r.out_len, err, sizeof err);
    const struct jval *maps = jpath(rep, "registry.maps");
    EXPECT(maps && maps->n == others->n + 1, "registry lists %zu maps, expected %zu",
           maps ? maps->n : 0, others->n + 1);
    EXPECT(maps && maps->n && ju64(maps->items[0], "address", 0) == ju64(oracle, "map", 1),
           "the raced map (created last) is not the registry's head");
    for (size_t i = 0; i < others->n; i++) {
        uint64_t addr = ju64(others->items[i], "map", 0);
        int found = 0;
        for (size_t k = 0; maps && k < maps->n; k++)
            if (ju64(maps->items[k], "address", 1) == addr) {
                found = 1;
                EXPECT(ju64(maps->items[k], "count", 0) == ju64(others->items[i], "count", 1),
                       "registry map 0x%" PRIx64 ": count differs", addr);
            }
        EXPECT(found, "map 0x%" PRIx64 " missing from the registry", addr);
        /* analyze it with --map */
        char a[32];
        snprintf(a, sizeof a, "0x%" PRIx64, addr);
        char *margv[] = {(char *)analyzer, "--json", "--map", a, (char *)fixture, (char *)core, NULL};
        struct run mr;
        if (run_cmd(margv, NULL, env, 0, 120, &mr) != 0)
            continue;
        struct jval *mrep = json_parse(mr.out, mr.out_len, err, sizeof err);
        EXPECT(run_code(&mr) == 0, "--map %s: exit %d", a, run_code(&mr));
        EXPECT(strcmp(jstr(mrep, "map.source", ""), "option") == 0, "--map not honoured");
        const struct jval *e = jpath(mrep, "map.entries");
        EXPECT(e && e->n == ju64(others->items[i], "count", 1), "--map %s: %zu entries", a,
               e ? e->n : 0);
        EXPECT(jbool(mrep, "verification.ok", 0), "--map %s: verification failed", a);
        printf("--map %s: %zu entries, %s keys, verified\n", a, e ? e->n : 0,
               jstr(mrep, "map.key_kind", "?"));
        json_free(mrep);
        run_free(&mr);
    }
    /* an address that is not a map: a usage error, one line, no crash */
    char *bargv[] = {(char *)analyzer, "--map", "0x10", (char *)fixture, (char *)core, NULL};
    struct run br;
    if (run_cmd(bargv, NULL, env, 0, 120, &br) == 0) {
        EXPECT(run_code(&br) == 2 && strstr(br.err, "not mapped"),
               "--map 0x10: exit %d, stderr %s", run_code(&br), br.err);
        run_free(&br);
    }
    json_free(rep);
    run_free(&r);
}

/* --unsaved: the fixture dumped only ELF headers (coredump_filter 0x10), so
 * the heap, the stacks and libmap's data are "not saved in the core".
 * --truncate: the core is cut to 40% of its size, as a small `ulimit -c`
 * does. Either way the analyzer must say so clearly and exit 3 (incomplete)
 * or 2 (nothing to analyze), never crash. */
static int damaged_core(const char *analyzer, const char *fixture, struct crash *c, char **env,
                        int truncate)
{
    if (truncate) {
        size_t len;
        char *data = read_file(c->core, &len);
        if (data == NULL || write_file(c->core, data, len * 2 / 5) != 0) {
            fprintf(stderr, "FAIL: cannot truncate %s\n", c->core);
            return 1;
        }
        free(data);
    }
    char *argv[] = {(char *)analyzer, (char *)fixture, c->core, NULL};
    struct run r;
    if (run_cmd(argv, NULL, env, 0, 120, &r) != 0)
        return 1;
    int code = run_code(&r);
    printf("exit %d\n--- stdout ---\n%.3000s\n--- stderr ---\n%s\n", code, r.out, r.err);
    const char *want = truncate ? "ulimit -c" : "not saved in the core";
    EXPECT(code == 3 || code == 2, "exit code %d, expected 3 (incomplete) or 2", code);
    EXPECT(strstr(r.out, want) || strstr(r.err, want), "no message mentioning '%s'", want);
    if (truncate)
        EXPECT(strstr(r.err, "truncated"), "the truncation is not reported");
    run_free(&r);
    crash_free(c, check_failures != 0);
    if (!check_failures)
        printf("PASS %s core\n", truncate ? "truncated" : "unsaved");
    return check_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_fixture ANALYZER FIXTURE MODE [--nodebug] [--filter=HEX]\n");
        return 2;
    }
    const char *analyzer = argv[1], *fixture = argv[2], *mode = argv[3];
    int nodebug = 0, unsaved = 0, truncate = 0, is_static = 0, stripped = 0;
    const char *filter = NULL, *slices = NULL;
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--nodebug") == 0)
            nodebug = 1;
        else if (strcmp(argv[i], "--stripped") == 0)
            stripped = is_static = 1;
        else if (strncmp(argv[i], "--filter=", 9) == 0)
            filter = argv[i] + 9;
        else if (strcmp(argv[i], "--unsaved") == 0)
            unsaved = 1, filter = "0x10";
        else if (strcmp(argv[i], "--truncate") == 0)
            truncate = 1;
        else if (strcmp(argv[i], "--static") == 0)
            is_static = 1;
        else if (strncmp(argv[i], "--threads=", 10) == 0)
            slices = argv[i] + 10;
    }
    char why[1024];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    struct crash c;
    char *fargv[] = {(char *)fixture, (char *)mode, NULL};
    char fenv_filter[64];
    snprintf(fenv_filter, sizeof fenv_filter, "LIBMAP_FIXTURE_COREDUMP_FILTER=%s",
             filter ? filter : "");
    char *fenv[] = {fenv_filter, NULL};
    if (crash_run(fargv, filter ? fenv : NULL, &c, why, sizeof why) != 0) {
        fprintf(stderr, "FAIL: %s\n", why);
        return 1;
    }
    char err[256];
    struct jval *oracle = json_parse(c.run.out, c.run.out_len, err, sizeof err);
    if (oracle == NULL) {
        fprintf(stderr, "FAIL: fixture oracle: %s\n%s\n", err, c.run.out);
        return 1;
    }
    int64_t wtid = ji64(oracle, "writer_tid", 0), dtid = ji64(oracle, "detecting_tid", 0);
    int damaged = !jisnull(oracle, "damage");
    printf("fixture %s: map %s, writer %" PRId64 ", detecting %" PRId64 ", core %s\n", mode,
           jstr(oracle, "map", "?"), wtid, dtid, c.core);

    char threads_env[64];
    snprintf(threads_env, sizeof threads_env, "LIBMAP_COREDUMP_THREADS=%s", slices ? slices : "");
    char *env[] = {"-DEBUGINFOD_URLS", slices ? threads_env : NULL, NULL};
    if (unsaved || truncate)
        return damaged_core(analyzer, fixture, &c, env, truncate);
    char *aargv[] = {(char *)analyzer, "--json", (char *)fixture, c.core, NULL};
    struct run r;
    if (run_cmd(aargv, NULL, env, 0, 120, &r) != 0) {
        fprintf(stderr, "FAIL: cannot run %s\n", analyzer);
        return 1;
    }
    int code = run_code(&r);
    EXPECT(!r.timed_out, "analyzer timed out");
    EXPECT(code == (damaged ? 1 : 0), "analyzer exit code %d, expected %d; stderr:\n%s", code,
           damaged ? 1 : 0, r.err);
    struct jval *rep = json_parse(r.out, r.out_len, err, sizeof err);
    if (rep == NULL) {
        fprintf(stderr, "FAIL: analyzer JSON: %s\n%.2000s\n", err, r.out);
        return 1;
    }

    /* the panic and both threads */
    EXPECT(jbool(rep, "panic.present", 0), "no panic record");
    EXPECT(strcmp(jstr(rep, "panic.message", ""), "concurrent map writes") == 0,
           "panic message '%s'", jstr(rep, "panic.message", ""));
    EXPECT(ji64(rep, "panic.tid", 0) == dtid, "panic.tid %" PRId64 " != %" PRId64,
           ji64(rep, "panic.tid", 0), dtid);
    EXPECT(ji64(rep, "panic.writer_tid", 0) == wtid, "panic.writer_tid %" PRId64 " != %" PRId64,
           ji64(rep, "panic.writer_tid", 0), wtid);
    EXPECT(ju64(rep, "panic.map", 0) == ju64(oracle, "map", 1), "panic.map differs");
    const struct jval *threads = jget(rep, "threads");
    const struct jval *td = find_thread(threads, dtid), *tw = find_thread(threads, wtid);
    EXPECT(td && strcmp(jstr(td, "role", ""), "detecting") == 0, "detecting thread missing");
    EXPECT(tw && strcmp(jstr(tw, "role", ""), "writer") == 0, "writer thread missing");
    EXPECT(threads && threads->n >= 2 && threads->items[0] == td,
           "the detecting thread is not listed first");
    if (tw && stripped) {
        /* no symbol at all: frames are addresses; the roles come from the
         * panic record, the map from the debug note */
        EXPECT(strcmp(jstr(rep, "layout.found_by", ""), "note") == 0,
               "libmap_layout found by %s, not by the debug note", jstr(rep, "layout.found_by", "?"));
    } else if (tw) {
        EXPECT(jbool(tw, "in_libmap", 0), "writer not marked inside libmap");
        EXPECT(has_frame(tw, "libmap_assign", 0), "writer's stack has no libmap_assign frame");
        if (!nodebug)
            EXPECT(has_frame(tw, "libmap_assign", 1) && has_frame(tw, "writer_main", 1),
                   "writer's frames lack file:line");
    }
    if (td && !stripped)
        EXPECT(has_frame(td, "libmap_assign", 0) && has_frame(td, "*abort", 0),
               "detecting thread's stack lacks libmap_assign or abort");
    const struct jval *warns = jget(rep, "warnings");
    int warned_nodebug = 0;
    const char *fixture_base = strrchr(fixture, '/') ? strrchr(fixture, '/') + 1 : fixture;
    char stripped_warning[512];
    snprintf(stripped_warning, sizeof stripped_warning, "no debug information for %s",
             fixture_base);
    for (size_t i = 0; warns && i < warns->n; i++) {
        if (strstr(warns->items[i]->s, "no debug information for libmap.so"))
            warned_nodebug = 1;
        if (stripped && strstr(warns->items[i]->s, stripped_warning) &&
            strstr(warns->items[i]->s, "addresses only") &&
            strstr(warns->items[i]->s, "DEBUGINFOD_URLS"))
            warned_nodebug = 1;
    }
    EXPECT(warned_nodebug == (nodebug || stripped), "missing-debug-info warning %s",
           nodebug || stripped ? "absent" : "unexpected");

    /* the map */
    EXPECT(ju64(rep, "map.address", 0) == ju64(oracle, "map", 1), "map address differs");
    EXPECT(ju64(rep, "map.count", 0) == ju64(oracle, "count", 1), "count %" PRIu64 " != %" PRIu64,
           ju64(rep, "map.count", 0), ju64(oracle, "count", 1));
    EXPECT(ju64(rep, "map.B", 99) == ju64(oracle, "B", 98), "B differs");
    EXPECT(ju64(rep, "map.noverflow", 0) == ju64(oracle, "noverflow", 1), "noverflow differs");
    EXPECT(ju64(rep, "map.hash0", 0) == ju64(oracle, "hash0", 1), "hash0 differs");
    EXPECT(strcmp(jstr(rep, "map.key_kind", ""), jstr(oracle, "key_kind", "?")) == 0,
           "key kind differs");
    EXPECT(ju64(rep, "map.value_size", 0) == ju64(oracle, "value_size", 1), "value size differs");
    const char *gs = jstr(oracle, "growth.state", "?");
    EXPECT(strcmp(jstr(rep, "map.growth.state", ""), gs) == 0, "growth state '%s' != '%s'",
           jstr(rep, "map.growth.state", ""), gs);
    EXPECT(ju64(rep, "map.growth.nevacuate", 0) == ju64(oracle, "growth.nevacuate", 1),
           "nevacuate %" PRIu64 " != %" PRIu64, ju64(rep, "map.growth.nevacuate", 0),
           ju64(oracle, "growth.nevacuate", 1));
    if (strcmp(gs, "none") != 0)
        EXPECT(ju64(rep, "map.growth.old_nbuckets", 0) == ju64(oracle, "growth.old_nbuckets", 1),
               "old bucket count differs");
    /* the layout followed (the padded build shifts it) */
    EXPECT(ju64(rep, "layout.map_size", 0) == ju64(oracle, "layout.map_size", 1),
           "layout map_size %" PRIu64 " != %" PRIu64, ju64(rep, "layout.map_size", 0),
           ju64(oracle, "layout.map_size", 1));
    EXPECT(ju64(rep, "map.key_offset", 0) == ju64(oracle, "layout.key_offset", 1),
           "key_offset differs");
    EXPECT(ju64(rep, "map.bucket_size", 0) == ju64(oracle, "layout.bucket_size", 1),
           "bucket_size differs");
    /* the module that defines libmap: libmap.so, or the program itself */
    const char *lmod = jstr(rep, "layout.module", "");
    const char *fbase = strrchr(fixture, '/') ? strrchr(fixture, '/') + 1 : fixture;
    EXPECT(is_static ? strcmp(lmod, fbase) == 0 : strncmp(lmod, "libmap.so", 9) == 0,
           "libmap_layout found in %s", lmod);
    /* with file-backed pages dumped, the descriptor comes from the core */
    const char *want_src = filter ? "core" : "file";
    EXPECT(strcmp(jstr(rep, "layout.source", ""), want_src) == 0,
           "layout read from the %s, expected the %s", jstr(rep, "layout.source", "?"), want_src);
    printf("layout: map %" PRIu64 " bytes, keys at %" PRIu64 " (pad %" PRIu64 " words), read from the %s\n",
           ju64(rep, "layout.map_size", 0), ju64(rep, "map.key_offset", 0),
           ju64(oracle, "layout.pad_words", 0), jstr(rep, "layout.source", "?"));

    if (damaged) {
        check_damage(jget(oracle, "damage"), rep);
    } else {
        compare_entries(oracle, rep);
        EXPECT(jbool(rep, "verification.ok", 0), "verification failed: %" PRIu64 " failures",
               ju64(rep, "verification.failure_count", 0));
        /* with a user hash callback placement cannot be recomputed: said so */
        int user_hash = jbool(oracle, "user_hash", 0);
        EXPECT(jbool(rep, "verification.placement_checked", 0) == !user_hash,
               "placement_checked is %d with%s a user hash",
               jbool(rep, "verification.placement_checked", 0), user_hash ? "" : "out");
        EXPECT(jbool(rep, "map.hash_known", 0) == !user_hash, "map.hash_known wrong");
    }
    const struct jval *vf = jpath(rep, "verification.failures");
    for (size_t i = 0; vf && i < vf->n && i < 10; i++)
        printf("  verification: [%s] %s bucket %" PRIu64 ": %s\n",
               jstr(vf->items[i], "check", ""), jstr(vf->items[i], "array", ""),
               ju64(vf->items[i], "bucket", 0), jstr(vf->items[i], "message", ""));

    /* mode multi: every map in the registry, and another one with --map */
    const struct jval *others = jget(oracle, "other_maps");
    if (others != NULL)
        check_other_maps(analyzer, fixture, c.core, env, oracle, others);

    /* the default text report names both threads */
    char *targv[] = {(char *)analyzer, (char *)fixture, "-c", c.core, NULL};
    struct run t;
    if (run_cmd(targv, NULL, env, 0, 120, &t) == 0) {
        char a[64], b[64];
        snprintf(a, sizeof a, "thread %" PRId64 " — detecting", dtid);
        snprintf(b, sizeof b, "thread %" PRId64 " — writer", wtid);
        EXPECT(strstr(t.out, a) && strstr(t.out, b), "text report does not name both threads");
        EXPECT(strstr(t.out, "fatal error: concurrent map writes"), "text report lacks the panic");
        EXPECT(run_code(&t) == code, "text exit code %d != json exit code %d", run_code(&t), code);
        if (check_failures)
            fprintf(stderr, "--- text report ---\n%s\n--- stderr ---\n%s\n", t.out, t.err);
        run_free(&t);
    }
    if (check_failures)
        fprintf(stderr, "%d failure(s); core and oracle kept in %s\n", check_failures, c.dir);
    else
        printf("PASS %s\n", mode);
    json_free(oracle);
    json_free(rep);
    run_free(&r);
    crash_free(&c, check_failures != 0);
    return check_failures ? 1 : 0;
}
