/*
 * trace-ops.c — a traced workload with known operation counts, for the
 * recording test: inserts, overwrites, deletes, lookups, an iteration and a
 * clear on one u64 map, then prints how many events of each kind the trace
 * must hold. Growths and evacuations are counted by watching the map's
 * bucket array through the debug contract (libmap_layout), since same-size
 * growth depends on the random seed.
 *
 * usage: trace-ops N_INSERT N_OVERWRITE N_DELETE N_LOOKUP [hold]
 *   hold: print "ready" and wait for a line on stdin before the workload, so
 *         that a test can look at the running process (lttng list -u).
 * If a growth is still in progress after the deletes, more overwrites of one
 * key finish it (counted as assigns), so that every growth is complete.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#include "check.h"

static struct {
    long grow, evacuate, grow_done;
    int growing;
} seen;

static void *field_ptr(const libmap *m, uint32_t off)
{
    void *p;
    memcpy(&p, (const char *)m + off, sizeof p);
    return p;
}

static uint8_t field_B(const libmap *m) { return *((const uint8_t *)m + libmap_layout.map_B); }

/* Run one write and account for a growth it started or finished. */
#define WATCH(m, call)                                                                             \
    do {                                                                                           \
        void *before = field_ptr((m), libmap_layout.map_buckets);                                  \
        uint8_t oldB = field_B(m);                                                                 \
        call;                                                                                      \
        if (before != NULL && field_ptr((m), libmap_layout.map_buckets) != before) {               \
            seen.grow++;                                                                           \
            seen.evacuate += 1L << oldB;                                                           \
            seen.growing = 1;                                                                      \
        }                                                                                          \
        if (seen.growing && field_ptr((m), libmap_layout.map_oldbuckets) == NULL) {                \
            seen.grow_done++;                                                                      \
            seen.growing = 0;                                                                      \
        }                                                                                          \
    } while (0)

static uint64_t key_of(long i) { return (uint64_t)i * UINT64_C(0x9E3779B97F4A7C15); }

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "hold") == 0)) {
        fprintf(stderr, "usage: trace-ops N_INSERT N_OVERWRITE N_DELETE N_LOOKUP [hold]\n");
        return 2;
    }
    long nins = atol(argv[1]), nover = atol(argv[2]), ndel = atol(argv[3]), nlook = atol(argv[4]);
    CHECK(nover <= nins && ndel < nins);
    if (argc == 6) {
        char line[64];
        printf("ready\n");
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL)
            return 1;
    }

    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    libmap *m;
    CHECK_EQ(libmap_new(&cfg, &m), 0);
    for (long i = 0; i < nins; i++) {
        uint64_t v = (uint64_t)i;
        WATCH(m, CHECK_EQ(libmap_assign_u64(m, key_of(i), &v), LIBMAP_INSERTED));
    }
    for (long i = 0; i < nover; i++) {
        uint64_t v = (uint64_t)i + 1;
        WATCH(m, CHECK_EQ(libmap_assign_u64(m, key_of(i), &v), LIBMAP_UPDATED));
    }
    for (long i = 0; i < ndel; i++)
        WATCH(m, CHECK_EQ(libmap_delete_u64(m, key_of(i)), LIBMAP_DELETED));
    long extra = 0;
    while (seen.growing) {
        uint64_t v = 0;
        WATCH(m, CHECK_EQ(libmap_assign_u64(m, key_of(nins - 1), &v), LIBMAP_UPDATED));
        extra++;
    }
    long found = 0;
    for (long i = 0; i < nlook; i++)
        found += libmap_lookup_u64(m, key_of(i % (nins ? nins : 1)), NULL);
    long yielded = 0;
    libmap_iter it;
    libmap_iter_init(&it, m);
    while (libmap_iter_next(&it, NULL, NULL))
        yielded++;
    CHECK_EQ(yielded, nins - ndel);
    long iter_end = nins - ndel > 0 ? 1 : 0; /* an iteration of an empty map never starts */
    libmap_clear(m);
    libmap_free(m);

    printf("new=1 free=1 assign=%ld delete=%ld clear=1 grow=%ld evacuate=%ld grow_done=%ld "
           "lookup=%ld found=%ld iter_init=%ld iterate=%ld iter_end=%ld panic=0\n",
           nins + nover + extra, ndel, seen.grow, seen.evacuate, seen.grow_done, nlook, found, iter_end,
           yielded, iter_end);
    return 0;
}
