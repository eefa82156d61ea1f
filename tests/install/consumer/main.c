/*
 * tests/install/consumer/main.c — a tiny program built out of tree against
 * an installed libmap (pkg-config, find_package shared and static): inserts
 * keys, asserts lookups, and touches the debug contract's exported symbols.
 * Prints "consumer ok" and exits 0 on success.
 */
#include <inttypes.h>
#include <stdio.h>

#include <libmap/debug.h>
#include <libmap/map.h>

#define EXPECT(c)                                                   \
    do {                                                            \
        if (!(c)) {                                                 \
            fprintf(stderr, "consumer: check failed: %s\n", #c);    \
            return 1;                                               \
        }                                                           \
    } while (0)

int main(void)
{
    libmap_config cfg = {.key_kind = LIBMAP_KEY_U64, .value_size = sizeof(uint64_t)};
    libmap *m = NULL;
    EXPECT(libmap_new(&cfg, &m) == 0 && m != NULL);
    for (uint64_t k = 0; k < 1000; k++) {
        uint64_t v = k * 3;
        EXPECT(libmap_assign_u64(m, k, &v) == LIBMAP_INSERTED);
    }
    uint64_t v = 0;
    EXPECT(libmap_lookup_u64(m, 777, &v) && v == 2331);
    EXPECT(!libmap_lookup_u64(m, 5000, &v));
    EXPECT(libmap_len(m) == 1000);
    EXPECT(libmap_delete_u64(m, 777) == LIBMAP_DELETED);
    EXPECT(!libmap_lookup_u64(m, 777, NULL));
    /* the debug contract's symbols link and hold what they promise */
    EXPECT(libmap_layout.magic == LIBMAP_LAYOUT_MAGIC);
    EXPECT(libmap_registry.count >= 1);
    libmap_free(m);
    printf("consumer ok: lookup(777) = 2331, len 1000\n");
    return 0;
}
