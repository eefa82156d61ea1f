/*
 * fuzz_core.c — robustness of libmap-coredump on damaged cores:
 *   fuzz_core ANALYZER FIXTURE SECONDS [--full] [--mode MODE] [--seed N]
 *             [--save DIR]
 * Crashes FIXTURE MODE (default doubling) for a real core, then, until
 * SECONDS have passed, runs the analyzer on mutated copies: truncated at a
 * page boundary (--full: at every page boundary, in order, before anything
 * else), random byte flips, corrupted ELF and program headers, corrupted
 * notes, damaged map memory (header, bucket array, overflow pointers), and
 * combinations. Each run must end by itself with exit code 0-3 (never 4:
 * crash or timeout inside the analyzer, never a signal; 5 too for a segv-*
 * mode, whose SIGSEGV core has a probable race diagnosed), with a message on
 * stderr for code 2, and --json output must stay valid JSON. Failing cores
 * are kept (--save DIR, default the work directory) to reproduce with
 * `libmap-coredump FIXTURE CORE`.
 */
#include <elf.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "minijson.h"

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct region {
    uint64_t off, len;
};

/* The pristine core and where interesting things are in it. */
struct corpus {
    uint8_t *data;
    size_t len;
    struct region notes;      /* first PT_NOTE */
    struct region map_hdr;    /* the map structure */
    struct region buckets;    /* the current bucket array */
    struct region oldbuckets; /* the old bucket array, if growing */
    uint64_t bucket_size, overflow_offset, buckets_addr;
};

/* File offset of a process address in the core (ELF64 little-endian). */
static int addr_to_off(const struct corpus *c, uint64_t addr, uint64_t len, struct region *r)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)c->data;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(c->data + eh->e_phoff + i * eh->e_phentsize);
        if (ph->p_type != PT_LOAD || addr < ph->p_vaddr || addr - ph->p_vaddr >= ph->p_filesz)
            continue;
        r->off = ph->p_offset + (addr - ph->p_vaddr);
        r->len = len;
        if (r->off + r->len > c->len)
            r->len = c->len > r->off ? c->len - r->off : 0;
        return 0;
    }
    return -1;
}

static void find_regions(struct corpus *c, const struct jval *rep)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)c->data;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(c->data + eh->e_phoff + i * eh->e_phentsize);
        if (ph->p_type == PT_NOTE && c->notes.len == 0)
            c->notes = (struct region){ph->p_offset, ph->p_filesz};
    }
    c->bucket_size = ju64(rep, "map.bucket_size", 0);
    c->overflow_offset = ju64(rep, "map.overflow_offset", 0);
    c->buckets_addr = ju64(rep, "map.buckets_address", 0);
    addr_to_off(c, ju64(rep, "map.address", 0), ju64(rep, "layout.map_size", 0), &c->map_hdr);
    addr_to_off(c, ju64(rep, "map.buckets_address", 0),
                ju64(rep, "map.nbuckets", 0) * c->bucket_size, &c->buckets);
    uint64_t old = ju64(rep, "map.growth.oldbuckets_address", 0);
    if (old)
        addr_to_off(c, old, ju64(rep, "map.growth.old_nbuckets", 0) * c->bucket_size,
                    &c->oldbuckets);
}

static const uint64_t extremes[] = {0,          1,          0x7f,         0xff,       0xffff,
                                    0x7fffffff, 0xffffffff, UINT64_MAX,   UINT64_MAX / 2,
                                    4096,       1ull << 40, 0x1000000000, 63};

static void poke(uint8_t *p, size_t len, uint64_t off, unsigned width, uint64_t v)
{
    if (off + width <= len)
        memcpy(p + off, &v, width);
}

static uint64_t interesting(void)
{
    return rnd() & 1 ? extremes[below(sizeof extremes / sizeof extremes[0])] : rnd();
}

static void flip(uint8_t *p, struct region r, unsigned n)
{
    for (unsigned i = 0; i < n && r.len; i++)
        p[r.off + below(r.len)] ^= (uint8_t)(1u << below(8));
}

/* Mutate buf (a copy of the corpus); returns the new length. */
static size_t mutate(const struct corpus *c, uint8_t *buf, int strategy, uint64_t trunc_at,
                     char *desc, size_t dlen)
{
    size_t len = c->len;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)c->data;
    switch (strategy) {
    case 0: /* truncation at a page boundary */
        len = trunc_at;
        snprintf(desc, dlen, "truncated at %zu", len);
        break;
    case 1: { /* random flips anywhere */
        unsigned n = 1 + (unsigned)below(32);
        flip(buf, (struct region){0, len}, n);
        snprintf(desc, dlen, "%u random bit flips", n);
        break;
    }
    case 2: { /* ELF header and program headers */
        unsigned what = (unsigned)below(6);
        if (what == 0) {
            static const unsigned fields[] = {offsetof(Elf64_Ehdr, e_phoff),
                                              offsetof(Elf64_Ehdr, e_phnum),
                                              offsetof(Elf64_Ehdr, e_phentsize),
                                              offsetof(Elf64_Ehdr, e_type),
                                              offsetof(Elf64_Ehdr, e_machine), 4, 5};
            unsigned f = fields[below(sizeof fields / sizeof fields[0])];
            unsigned w = f == offsetof(Elf64_Ehdr, e_phoff) ? 8 : f < 8 ? 1 : 2;
            poke(buf, len, f, w, interesting());
            snprintf(desc, dlen, "ELF header field at %u", f);
        } else {
            unsigned i = (unsigned)below(eh->e_phnum);
            uint64_t base = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
            static const unsigned fields[] = {
                offsetof(Elf64_Phdr, p_type),   offsetof(Elf64_Phdr, p_offset),
                offsetof(Elf64_Phdr, p_vaddr),  offsetof(Elf64_Phdr, p_filesz),
                offsetof(Elf64_Phdr, p_memsz),  offsetof(Elf64_Phdr, p_flags)};
            unsigned f = fields[below(6)];
            unsigned w = f == offsetof(Elf64_Phdr, p_type) || f == offsetof(Elf64_Phdr, p_flags) ? 4 : 8;
            poke(buf, len, base + f, w, interesting());
            snprintf(desc, dlen, "program header %u field at %u", i, f);
        }
        break;
    }
    case 3: { /* notes */
        if (c->notes.len < 12)
            return mutate(c, buf, 1, trunc_at, desc, dlen);
        if (rnd() & 1) {
            /* a header-like word somewhere in the note segment */
            uint64_t off = c->notes.off + (below(c->notes.len / 4) * 4);
            poke(buf, len, off, 4, interesting());
            snprintf(desc, dlen, "note word at +%" PRIu64, off - c->notes.off);
        } else {
            unsigned n = 1 + (unsigned)below(16);
            flip(buf, c->notes, n);
            snprintf(desc, dlen, "%u flips in the notes", n);
        }
        break;
    }
    case 4: { /* the map: header, buckets, overflow pointers */
        unsigned what = (unsigned)below(4);
        if (what == 0 && c->map_hdr.len) {
            uint64_t off = c->map_hdr.off + below(c->map_hdr.len / 8) * 8;
            poke(buf, len, off, 8, interesting());
            snprintf(desc, dlen, "map header word at +%" PRIu64, off - c->map_hdr.off);
        } else if (what == 1 && c->buckets.len && c->bucket_size) {
            uint64_t b = below(c->buckets.len / c->bucket_size);
            uint64_t off = c->buckets.off + b * c->bucket_size + c->overflow_offset;
            uint64_t v = interesting();
            if (rnd() & 1) /* a pointer into the bucket array itself */
                v = c->buckets_addr + v % (c->buckets.len + 64);
            poke(buf, len, off, 8, v);
            snprintf(desc, dlen, "overflow pointer of bucket %" PRIu64, b);
        } else if (what == 2 && c->oldbuckets.len) {
            unsigned n = 1 + (unsigned)below(64);
            flip(buf, c->oldbuckets, n);
            snprintf(desc, dlen, "%u flips in the old buckets", n);
        } else if (c->buckets.len) {
            unsigned n = 1 + (unsigned)below(64);
            flip(buf, c->buckets, n);
            snprintf(desc, dlen, "%u flips in the buckets", n);
        } else {
            return mutate(c, buf, 1, trunc_at, desc, dlen);
        }
        break;
    }
    default: { /* combination */
        char d1[128], d2[128];
        mutate(c, buf, 4, trunc_at, d1, sizeof d1);
        mutate(c, buf, 2 + (int)below(2), trunc_at, d2, sizeof d2);
        len = below(4) == 0 ? trunc_at : len;
        snprintf(desc, dlen, "%s; %s; length %zu", d1, d2, len);
        break;
    }
    }
    return len;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: fuzz_core ANALYZER FIXTURE SECONDS [--full] [--mode MODE] [--seed N] "
                "[--save DIR]\n");
        return 2;
    }
    const char *analyzer = argv[1], *fixture = argv[2];
    double seconds = atof(argv[3]);
    int full = 0;
    const char *mode = "doubling", *save = NULL;
    uint64_t seed = (uint64_t)time(NULL);
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--full") == 0)
            full = 1;
        else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
            mode = argv[++i];
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--save") == 0 && i + 1 < argc)
            save = argv[++i];
    }
    rng_state ^= seed * 0x9e3779b97f4a7c15ull;
    if (rng_state == 0)
        rng_state = 1;
    char why[1024];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    struct crash cr;
    char *fargv[] = {(char *)fixture, (char *)mode, NULL};
    int segv = strncmp(mode, "segv-", 5) == 0; /* dies of SIGSEGV: exit 5 is valid */
    char *fenv[] = {asan_keep_segv(), NULL};
    if (crash_run_signal(fargv, segv ? fenv : NULL, segv ? SIGSEGV : SIGABRT, &cr, why,
                         sizeof why) != 0) {
        fprintf(stderr, "FAIL: %s\n", why);
        return 1;
    }
    struct corpus c = {0};
    c.data = (uint8_t *)read_file(cr.core, &c.len);
    if (c.data == NULL || c.len < sizeof(Elf64_Ehdr) || memcmp(c.data, ELFMAG, SELFMAG) != 0 ||
        c.data[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "FAIL: cannot read the core %s as ELF64\n", cr.core);
        return 1;
    }
    char *env[] = {"-DEBUGINFOD_URLS", NULL};
    char *pargv[] = {(char *)analyzer, "--json", (char *)fixture, cr.core, NULL};
    struct run pr;
    char err[256];
    struct jval *rep = NULL;
    if (run_cmd(pargv, NULL, env, 0, 120, &pr) == 0)
        rep = json_parse(pr.out, pr.out_len, err, sizeof err);
    if (rep == NULL || (run_code(&pr) != 0 && !(segv && run_code(&pr) == 5))) {
        fprintf(stderr, "FAIL: the pristine core does not analyze cleanly (exit %d)\n",
                run_code(&pr));
        return 1;
    }
    find_regions(&c, rep);
    json_free(rep);
    run_free(&pr);
    printf("fuzzing %s on a %zu-byte core of %s %s (seed %" PRIu64 ", %s, %.0f s)\n", analyzer,
           c.len, fixture, mode, seed, full ? "full" : "bounded", seconds);
    printf("regions: notes %" PRIu64 " bytes, map header %" PRIu64 ", buckets %" PRIu64
           ", old buckets %" PRIu64 "\n",
           c.notes.len, c.map_hdr.len, c.buckets.len, c.oldbuckets.len);

    const char *outdir = save ? save : cr.dir;
    char path[4096];
    snprintf(path, sizeof path, "%s/fuzz.core", cr.dir);
    uint8_t *buf = malloc(c.len);
    uint64_t pages = (c.len + 4095) / 4096, next_page = 0;
    unsigned long runs = 0, bad = 0, codes[6] = {0}, per[6] = {0};
    double end = now() + seconds;
    while (now() < end) {
        int strategy;
        uint64_t trunc_at;
        if (full && next_page < pages) {
            strategy = 0;
            trunc_at = next_page++ * 4096;
        } else {
            strategy = (int)below(6);
            trunc_at = below(pages) * 4096;
        }
        memcpy(buf, c.data, c.len);
        char desc[512];
        size_t len = mutate(&c, buf, strategy, trunc_at, desc, sizeof desc);
        if (write_file(path, buf, len) != 0) {
            fprintf(stderr, "FAIL: cannot write %s\n", path);
            return 1;
        }
        int form = (int)(runs % 3);
        char *aargv[12] = {(char *)analyzer};
        int k = 1;
        if (form == 0)
            aargv[k++] = "--json";
        else if (form == 1) {
            aargv[k++] = "--buckets";
            aargv[k++] = "--all-maps";
            aargv[k++] = "--threads";
        }
        aargv[k++] = "--timeout";
        aargv[k++] = "60";
        aargv[k++] = (char *)fixture;
        aargv[k++] = path;
        aargv[k] = NULL;
        /* every other run verifies in slices side by side (large-map path) */
        char *senv[] = {"-DEBUGINFOD_URLS", "LIBMAP_COREDUMP_THREADS=2", NULL};
        struct run r;
        if (run_cmd(aargv, NULL, (runs / 3) % 2 ? senv : env, 0, 90, &r) != 0) {
            fprintf(stderr, "FAIL: cannot run the analyzer\n");
            return 1;
        }
        runs++;
        per[strategy]++;
        int code = run_code(&r);
        const char *problem = NULL;
        if (r.timed_out)
            problem = "hung (killed after 90 s)";
        else if (code < 0 || code > 5 || (code == 5 && !segv))
            problem = "died of a signal, or an unexpected exit code";
        else if (code == 4)
            problem = "internal error (crash or timeout inside the analyzer)";
        else if (code == 2 && strstr(r.err, "libmap-coredump:") == NULL)
            problem = "exit 2 without a message";
        if (problem == NULL && form == 0) {
            struct jval *j = json_parse(r.out, r.out_len, err, sizeof err);
            if (j == NULL)
                problem = "--json output is not valid JSON";
            json_free(j);
        }
        if (code >= 0 && code <= 5)
            codes[code]++;
        if (problem != NULL) {
            bad++;
            char keep[4096];
            snprintf(keep, sizeof keep, "%s/fuzz-failure-%lu.core", outdir, runs);
            write_file(keep, buf, len);
            fprintf(stderr, "FAIL run %lu (%s, %s): %s; exit %d; kept %s\nstderr: %.600s\n", runs,
                    desc, aargv[1], problem, code, keep, r.err);
        }
        run_free(&r);
    }
    printf("%lu runs: truncations %lu, flips %lu, headers %lu, notes %lu, map memory %lu, "
           "combined %lu\n",
           runs, per[0], per[1], per[2], per[3], per[4], per[5]);
    printf("exit codes: 0:%lu 1:%lu 2:%lu 3:%lu 4:%lu 5:%lu; %lu failures\n", codes[0], codes[1],
           codes[2], codes[3], codes[4], codes[5], bad);
    if (full && next_page < pages)
        printf("note: only %" PRIu64 " of %" PRIu64 " page boundaries tried in the time given\n",
               next_page, pages);
    free(buf);
    free(c.data);
    crash_free(&cr, bad != 0 || save != NULL);
    return bad ? 1 : 0;
}
