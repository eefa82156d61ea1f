/*
 * driver_glib.c — the GLib GHashTable driver. u64 keys: pointers to the
 * caller's uint64_t keys with g_int64_hash/g_int64_equal (GLib's way for
 * 64-bit keys; the keys stay in the key set, nothing is copied). String
 * keys: the caller's NUL-terminated strings with g_str_hash/g_str_equal (not
 * copied either). Values are stored in the value pointer itself. Lookup
 * hits and deletes pass the probe-order copies of the keys (keys.h), so
 * comparing follows GLib's stored key pointer to a random place.
 */
#include <glib.h>

#include "driver.h"
#include "timer.h"

const char driver_name[] = "glib";

static uint64_t iterate_all(GHashTable *h, size_t n)
{
    GHashTableIter it;
    gpointer k, v;
    uint64_t sum = 0, cnt = 0;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        sum += (uint64_t)(uintptr_t)v;
        cnt++;
    }
    BENCH_CHECK(cnt == n, "iterated %llu of %zu", (unsigned long long)cnt, n);
    return sum;
}

/* keyp(i) is a pointer to key i, as GLib wants it; probep(i) to the i-th
 * key of the probe order (keys.h), used by lookup hits and deletes. */
#define RUN_GLIB(hashfn, eqfn, keyp, probep)                                                \
    do {                                                                                    \
        const size_t n = ks->n;                                                             \
        for (size_t l = 0; l < loops; l++) {                                                \
            GHashTable *h = g_hash_table_new(hashfn, eqfn);                                 \
            uint64_t inserted = 0;                                                          \
            uint64_t t0 = now_ns();                                                         \
            for (size_t i = 0; i < n; i++)                                                  \
                inserted += g_hash_table_insert(h, (gpointer)(keyp(i)),                     \
                                                (gpointer)(uintptr_t)(i + 1));              \
            uint64_t t1 = now_ns();                                                         \
            uint64_t sum = 0, found = 0;                                                    \
            for (size_t i = 0; i < n; i++) {                                                \
                uint64_t v = (uint64_t)(uintptr_t)g_hash_table_lookup(h, probep(i));        \
                found += v != 0;                                                            \
                sum += v;                                                                   \
            }                                                                               \
            uint64_t t2 = now_ns();                                                         \
            for (size_t i = n; i < 2 * n; i++)                                              \
                found += g_hash_table_lookup(h, keyp(i)) != NULL;                           \
            uint64_t t3 = now_ns();                                                         \
            sum += iterate_all(h, n);                                                       \
            uint64_t t4 = now_ns();                                                         \
            uint64_t deleted = 0;                                                           \
            for (size_t i = 0; i < n; i++)                                                  \
                deleted += g_hash_table_remove(h, probep(i));                               \
            uint64_t t5 = now_ns();                                                         \
            BENCH_CHECK(inserted == n && found == n && deleted == n &&                      \
                            g_hash_table_size(h) == 0 && sum == (uint64_t)n * (n + 1),      \
                        "inserted %llu found %llu deleted %llu",                            \
                        (unsigned long long)inserted, (unsigned long long)found,            \
                        (unsigned long long)deleted);                                       \
            g_hash_table_destroy(h);                                                        \
            t->ns[PH_INSERT][l] = t1 - t0;                                                  \
            t->ns[PH_HIT][l] = t2 - t1;                                                     \
            t->ns[PH_MISS][l] = t3 - t2;                                                    \
            t->ns[PH_ITERATE][l] = t4 - t3;                                                 \
            t->ns[PH_DELETE][l] = t5 - t4;                                                  \
            bench_sink += sum;                                                              \
        }                                                                                   \
    } while (0)

#define U64_KEY(i) (&ks->u64[i])
#define STR_KEY(i) (ks->str[i])
#define U64_PROBE(i) (&ks->probe_u64[i])
#define STR_PROBE(i) (ks->probe_str[i])

void driver_run_u64(const struct keyset *ks, size_t loops, struct phase_time *t)
{
    RUN_GLIB(g_int64_hash, g_int64_equal, U64_KEY, U64_PROBE);
}

void driver_run_str(const struct keyset *ks, size_t loops, struct phase_time *t)
{
    RUN_GLIB(g_str_hash, g_str_equal, STR_KEY, STR_PROBE);
}
