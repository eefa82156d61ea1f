/*
 * test_segv.c — libmap-coredump on a crash libmap's check could not see:
 *   test_segv ANALYZER FIXTURE MODE DEBUG_H [--old-descriptor]
 * crashes FIXTURE MODE (a segv-* mode of tests/fixtures: SIGSEGV raised
 * from a user callback inside a libmap call) in a fresh directory, then
 * checks libmap-coredump against the fixture's oracle:
 *  - segv-read, segv-write (a writer parked inside assign holds the map):
 *    exit 5; the text report's first line is the probable race "(not
 *    detected at run time)", its second names the map and both TIDs; the
 *    JSON "diagnosis" object has every documented member with its type and
 *    the oracle's kind, TIDs and map; the crashed thread is listed first
 *    (role "crashed", inside libmap), then the writer (role "writer",
 *    inside libmap_assign); the held map is the one analyzed, intact.
 *  - segv-alone, segv-own-write (nobody else writes; in the second the
 *    crashing thread holds the map itself): no probable race anywhere,
 *    "diagnosis": null, exit 0, and the text says there is no sign of one.
 * Either way map.writer.seq is the write sequence of the raw word, decoded
 * here with DEBUG_H's LIBMAP_WRITER_SEQ_MASK and _SHIFT: the analyzer, which
 * reads them from the layout descriptor, must agree.
 * --old-descriptor: the fixture dumps its file-backed pages too (so the
 * descriptor is read from the core), and every copy of the descriptor in
 * the core is made an older one, its size stopping before the write
 * sequence's fields (their bytes stay): the analyzer must honour the size,
 * report map.writer.seq null and diagnose the same.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmap/debug.h> /* the descriptor's format, for --old-descriptor */
#include <stddef.h>

#include "check.h"
#include "harness.h"
#include "minijson.h"


/* The value of `#define NAME VALUE` in the header text, or -1. */
static long long header_define(const char *text, const char *name)
{
    char pat[128];
    snprintf(pat, sizeof pat, "#define %s ", name);
    const char *p = strstr(text, pat);
    return p ? strtoll(p + strlen(pat), NULL, 0) : -1;
}

static const struct jval *thread_at(const struct jval *threads, size_t i)
{
    return threads && i < threads->n ? threads->items[i] : NULL;
}

/* Every member docs/coredump-json.md lists for "diagnosis", with its type. */
static void check_diagnosis_members(const struct jval *d)
{
    static const struct {
        const char *name;
        enum jtype type;
        int nullable;
    } members[] = {
        {"kind", J_STR, 0},           {"message", J_STR, 0},
        {"detected_at_run_time", J_BOOL, 0}, {"signal", J_STR, 0},
        {"signal_number", J_NUM, 0},  {"map", J_STR, 1},
        {"map_found_by", J_STR, 1},   {"crashed_tid", J_NUM, 0},
        {"crashed_op", J_STR, 1},     {"crashed_function", J_STR, 1},
        {"writer_tid", J_NUM, 0},     {"writer_op", J_STR, 1},
        {"writer_function", J_STR, 1}, {"writer_held", J_BOOL, 0},
        {"evidence", J_STR, 0},
    };
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        const struct jval *v = jget(d, members[i].name);
        EXPECT(v != NULL, "diagnosis.%s missing", members[i].name);
        if (v != NULL)
            EXPECT(v->type == members[i].type || (members[i].nullable && v->type == J_NULL),
                   "diagnosis.%s has the wrong type", members[i].name);
    }
    EXPECT(d->n == sizeof members / sizeof members[0], "diagnosis has %zu members, %zu documented",
           d->n, sizeof members / sizeof members[0]);
}

/* Make every copy of the layout descriptor in the core an older one (see
 * the top). Returns how many were changed, -1 on error. */
static int age_descriptor(const char *core)
{
    size_t len;
    char *data = read_file(core, &len);
    if (data == NULL)
        return -1;
    const uint64_t magic = LIBMAP_LAYOUT_MAGIC;
    const uint32_t old = (uint32_t)offsetof(struct libmap_layout, writer_seq_shift);
    int n = 0;
    for (size_t off = 0; off + 16 <= len; off += 8) {
        uint32_t version, size;
        memcpy(&version, data + off + 8, 4);
        memcpy(&size, data + off + 12, 4);
        if (memcmp(data + off, &magic, 8) == 0 && version == LIBMAP_LAYOUT_VERSION &&
            size == sizeof(struct libmap_layout)) {
            memcpy(data + off + 12, &old, 4);
            n++;
        }
    }
    int rc = n > 0 && write_file(core, data, len) != 0 ? -1 : n;
    free(data);
    return rc;
}

static void check_seq(const struct jval *rep, const char *header, int old_descriptor)
{
    if (old_descriptor) {
        EXPECT(jisnull(rep, "map.writer.seq") && jpath(rep, "map.writer.seq") != NULL,
               "map.writer.seq is not null with a descriptor older than the write sequence");
        EXPECT(strcmp(jstr(rep, "layout.source", ""), "core") == 0 &&
                   ju64(rep, "layout.size", 0) ==
                       offsetof(struct libmap_layout, writer_seq_shift),
               "the aged descriptor was not the one read (source %s, size %" PRIu64 ")",
               jstr(rep, "layout.source", "?"), ju64(rep, "layout.size", 0));
        return;
    }
    long long mask = header_define(header, "LIBMAP_WRITER_SEQ_MASK");
    long long shift = header_define(header, "LIBMAP_WRITER_SEQ_SHIFT");
    EXPECT(mask > 0 && shift >= 0, "no LIBMAP_WRITER_SEQ_MASK/_SHIFT in debug.h");
    uint64_t raw = ju64(jpath(rep, "map.writer"), "raw", 0);
    const struct jval *seq = jpath(rep, "map.writer.seq");
    EXPECT(seq && seq->type == J_NUM, "map.writer.seq is not a number");
    if (mask > 0 && shift >= 0 && seq && seq->type == J_NUM)
        EXPECT(ju64(rep, "map.writer.seq", UINT64_MAX) == ((raw & (uint64_t)mask) >> shift),
               "map.writer.seq %" PRIu64 ", the word 0x%" PRIx64 " holds %" PRIu64,
               ju64(rep, "map.writer.seq", 0), raw, (raw & (uint64_t)mask) >> shift);
}

static void check_positive(const struct jval *o, const struct jval *rep, const char *text,
                           int code, int tcode)
{
    int64_t ctid = ji64(o, "crashed_tid", -1), wtid = ji64(o, "writer_tid", -1);
    const char *map = jstr(o, "map", "?"), *kind = jstr(o, "diagnosis", "?");
    const struct jval *d = jget(rep, "diagnosis");
    EXPECT(code == 5 && tcode == 5, "exit codes %d (--json) and %d (text), expected 5", code,
           tcode);
    EXPECT(d && d->type == J_OBJ, "no diagnosis object");
    if (d == NULL || d->type != J_OBJ)
        return;
    check_diagnosis_members(d);
    EXPECT(strcmp(jstr(d, "kind", ""), kind) == 0, "diagnosis.kind %s, expected %s",
           jstr(d, "kind", "?"), kind);
    const char *want =
        strcmp(kind, "probable_concurrent_writes") == 0
            ? "probable concurrent map writes (not detected at run time)"
            : "probable concurrent map read and map write (not detected at run time)";
    EXPECT(strcmp(jstr(d, "message", ""), want) == 0, "diagnosis.message '%s'",
           jstr(d, "message", "?"));
    EXPECT(!jbool(d, "detected_at_run_time", 1), "detected_at_run_time is not false");
    EXPECT(strcmp(jstr(d, "signal", ""), "SIGSEGV") == 0, "diagnosis.signal %s",
           jstr(d, "signal", "?"));
    EXPECT(ji64(d, "crashed_tid", 0) == ctid, "crashed_tid %" PRId64 ", the fixture's %" PRId64,
           ji64(d, "crashed_tid", 0), ctid);
    EXPECT(ji64(d, "writer_tid", 0) == wtid, "writer_tid %" PRId64 ", the fixture's %" PRId64,
           ji64(d, "writer_tid", 0), wtid);
    EXPECT(strcmp(jstr(d, "map", ""), map) == 0, "diagnosis.map %s, the fixture's %s",
           jstr(d, "map", "null"), map);
    EXPECT(strcmp(jstr(d, "map_found_by", ""), "writer_word") == 0 &&
               strcmp(jstr(d, "evidence", ""), "writer_word") == 0 && jbool(d, "writer_held", 0),
           "the writer is not named by the held writer word");
    EXPECT(strcmp(jstr(d, "writer_op", ""), "assign") == 0, "writer_op %s",
           jstr(d, "writer_op", "?"));
    const char *cop = strcmp(kind, "probable_concurrent_writes") == 0 ? "assign" : "lookup";
    EXPECT(strcmp(jstr(d, "crashed_op", ""), cop) == 0, "crashed_op %s, expected %s",
           jstr(d, "crashed_op", "?"), cop);
    /* the threads: crashed first, then the writer */
    const struct jval *threads = jget(rep, "threads");
    const struct jval *t0 = thread_at(threads, 0), *t1 = thread_at(threads, 1);
    EXPECT(t0 && ji64(t0, "tid", 0) == ctid && strcmp(jstr(t0, "role", ""), "crashed") == 0 &&
               jbool(t0, "in_libmap", 0),
           "the crashed thread is not listed first with role \"crashed\"");
    EXPECT(t1 && ji64(t1, "tid", 0) == wtid && strcmp(jstr(t1, "role", ""), "writer") == 0 &&
               strncmp(jstr(t1, "libmap_function", ""), "libmap_assign", 13) == 0,
           "the writer is not listed second with role \"writer\" inside libmap_assign");
    /* the map analyzed is the held one, intact */
    EXPECT(strcmp(jstr(rep, "map.source", ""), "held") == 0, "map.source %s",
           jstr(rep, "map.source", "?"));
    EXPECT(ju64(rep, "map.address", 0) == ju64(o, "map", 1), "map.address differs");
    EXPECT(ji64(rep, "map.writer.tid", 0) == wtid && jbool(rep, "map.writer.held", 0),
           "map.writer does not name the writer as holding the map");
    EXPECT(ju64(rep, "map.count", 0) == ju64(o, "count", 1), "map.count differs");
    EXPECT(jbool(rep, "verification.ok", 0), "verification failed");
    /* the text report: the same line first, then the map and both threads */
    char line2[256];
    snprintf(line2, sizeof line2,
             "  map %s: %s by thread %" PRId64 " died of SIGSEGV while thread %" PRId64
             " held it for writing (assign",
             map, cop, ctid, wtid);
    EXPECT(strncmp(text, want, strlen(want)) == 0 && text[strlen(want)] == '\n',
           "the text report does not start with '%s'", want);
    EXPECT(strstr(text, line2) != NULL, "the text report lacks '%s'", line2);
    printf("diagnosis: %s; map %s; crashed %" PRId64 " (%s), writer %" PRId64 " (%s)\n",
           jstr(d, "kind", "?"), jstr(d, "map", "?"), ctid, jstr(d, "crashed_function", "?"),
           wtid, jstr(d, "writer_function", "?"));
}

static void check_negative(const struct jval *rep, const char *text, const char *err, int code,
                           int tcode)
{
    EXPECT(code == 0 && tcode == 0, "exit codes %d (--json) and %d (text), expected 0", code,
           tcode);
    EXPECT(jisnull(rep, "diagnosis") && jget(rep, "diagnosis") != NULL,
           "\"diagnosis\" is not null");
    EXPECT(strstr(text, "probable") == NULL && strstr(err, "probable") == NULL,
           "the report claims a probable race");
    EXPECT(strstr(text, "no sign of a concurrent map access") != NULL,
           "the text report does not say there is no sign of a race");
    EXPECT(!jbool(rep, "panic.present", 1), "a panic record in a SIGSEGV core");
    printf("no diagnosis, as expected\n");
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: test_segv ANALYZER FIXTURE MODE DEBUG_H [--old-descriptor]\n");
        return 2;
    }
    const char *analyzer = argv[1], *fixture = argv[2], *mode = argv[3];
    int old_descriptor = argc > 5 && strcmp(argv[5], "--old-descriptor") == 0;
    char *header = read_file(argv[4], NULL);
    if (header == NULL) {
        fprintf(stderr, "FAIL: cannot read %s\n", argv[4]);
        return 1;
    }
    char why[1024];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    struct crash c;
    char *fargv[] = {(char *)fixture, (char *)mode, NULL};
    char *fenv[] = {asan_keep_segv(), old_descriptor ? "LIBMAP_FIXTURE_COREDUMP_FILTER=0x3f" : NULL,
                    NULL};
    if (crash_run_signal(fargv, fenv, SIGSEGV, &c, why, sizeof why) != 0) {
        fprintf(stderr, "FAIL: %s\n", why);
        return 1;
    }
    if (old_descriptor) {
        int n = age_descriptor(c.core);
        if (n <= 0) {
            fprintf(stderr, "FAIL: no layout descriptor to age in %s\n", c.core);
            return 1;
        }
        printf("the core's %d cop%s of the descriptor made older (size %zu)\n", n,
               n == 1 ? "y" : "ies", offsetof(struct libmap_layout, writer_seq_shift));
    }
    char err[256];
    struct jval *o = json_parse(c.run.out, c.run.out_len, err, sizeof err);
    if (o == NULL) {
        fprintf(stderr, "FAIL: fixture oracle: %s\n%s\n", err, c.run.out);
        return 1;
    }
    int positive = !jisnull(o, "diagnosis");
    printf("fixture %s: map %s, crashed %" PRId64 ", writer %" PRId64 ", core %s\n", mode,
           jstr(o, "map", "?"), ji64(o, "crashed_tid", 0), ji64(o, "writer_tid", 0), c.core);

    char *env[] = {"-DEBUGINFOD_URLS", NULL};
    char *jargv[] = {(char *)analyzer, "--json", (char *)fixture, c.core, NULL};
    char *targv[] = {(char *)analyzer, (char *)fixture, c.core, NULL};
    struct run r, t;
    if (run_cmd(jargv, NULL, env, 0, 120, &r) != 0 || run_cmd(targv, NULL, env, 0, 120, &t) != 0) {
        fprintf(stderr, "FAIL: cannot run %s\n", analyzer);
        return 1;
    }
    struct jval *rep = json_parse(r.out, r.out_len, err, sizeof err);
    if (rep == NULL) {
        fprintf(stderr, "FAIL: analyzer JSON: %s\n%.2000s\n%s\n", err, r.out, r.err);
        return 1;
    }
    EXPECT(!r.timed_out && !t.timed_out, "the analyzer timed out");
    EXPECT(ji64(rep, "exit_code", -1) == run_code(&r), "exit_code %" PRId64 ", exit status %d",
           ji64(rep, "exit_code", -1), run_code(&r));
    EXPECT(strcmp(jstr(rep, "core.signal_name", ""), "SIGSEGV") == 0, "core.signal_name %s",
           jstr(rep, "core.signal_name", "?"));
    check_seq(rep, header, old_descriptor);
    if (old_descriptor)
        EXPECT(strstr(t.out, "write seq") == NULL, "the text report shows a write sequence");
    if (positive)
        check_positive(o, rep, t.out, run_code(&r), run_code(&t));
    else
        check_negative(rep, t.out, t.err, run_code(&r), run_code(&t));
    if (check_failures)
        fprintf(stderr, "%d failure(s); core and oracle kept in %s\n--- text report ---\n%s\n"
                        "--- stderr ---\n%s\n",
                check_failures, c.dir, t.out, t.err);
    else
        printf("PASS %s\n", mode);
    json_free(o);
    json_free(rep);
    run_free(&r);
    run_free(&t);
    crash_free(&c, check_failures != 0);
    free(header);
    return check_failures ? 1 : 0;
}
