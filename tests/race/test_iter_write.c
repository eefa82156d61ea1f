/*
 * test_iter_write.c — "concurrent map iteration and map write": the next
 * step of an iteration while a writer is held, for every key kind and kind
 * of write, with the iteration just started or already under way.
 */
#include <stdio.h>

#include "race_scenario.h"

static const enum libmap_op writes[] = {LIBMAP_OP_ASSIGN, LIBMAP_OP_DELETE, LIBMAP_OP_CLEAR};

int main(void)
{
    unsigned n = 0;
    for (int k = 0; k < RK_COUNT; k++) {
        for (int a = 0; a < 3; a++) {
            for (int started = 0; started <= 1; started++) {
                struct race_case c = {.key = k, .a_op = writes[a], .b_op = LIBMAP_OP_ITERATE,
                                      .typed = rk_has_typed(k), .iter_started = started};
                race_case_run(&c);
                n++;
            }
        }
    }
    printf("iter-write: %u cases passed\n", n);
    return 0;
}
