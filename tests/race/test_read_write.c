/*
 * test_read_write.c — "concurrent map read and map write": a lookup while a
 * writer is held, for every key kind and entry point, every kind of write,
 * on a filled and on an empty map.
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
                        continue;
                    struct race_case c = {.key = k, .a_op = writes[a], .b_op = LIBMAP_OP_LOOKUP,
                                          .typed = typed, .empty = empty};
                    race_case_run(&c);
                    n++;
                }
            }
        }
    }
    printf("read-write: %u cases passed\n", n);
    return 0;
}
