/*
 * test_write_write.c — "concurrent map writes" caught on entry, for every
 * key kind, both entry points, every pair of writes (assign, delete, clear),
 * on a filled map and on an empty one (where delete takes its own path).
 */
#include <stdio.h>

#include "race_scenario.h"

static const enum libmap_op writes[] = {LIBMAP_OP_ASSIGN, LIBMAP_OP_DELETE, LIBMAP_OP_CLEAR};

int main(void)
{
    unsigned n = 0;
    for (int k = 0; k < RK_COUNT; k++) {
        for (int typed = 0; typed <= (int)rk_has_typed(k); typed++) {
            for (int empty = 0; empty <= 1; empty++) {
                for (int a = 0; a < 3; a++) {
                    if (empty && writes[a] == LIBMAP_OP_DELETE)
                        continue; /* delete on an empty map never holds it */
                    for (int b = 0; b < 3; b++) {
                        struct race_case c = {.key = k, .a_op = writes[a], .b_op = writes[b],
                                              .typed = typed, .empty = empty};
                        race_case_run(&c);
                        n++;
                    }
                }
            }
        }
    }
    printf("write-write: %u cases passed\n", n);
    return 0;
}
