/*
 * layout_find.h — locate and load libmap's layout descriptor in a core
 * (see layout_find.c).
 */
#ifndef LIBMAP_COREDUMP_LAYOUT_FIND_H
#define LIBMAP_COREDUMP_LAYOUT_FIND_H

#include "coremem.h"
#include "layout.h"
#include "process.h"

/* Returns 0 with *modp the module defining the descriptor, or -1 with a
 * message for the user. */
int layout_load(struct lm_layout *l, Dwfl_Module **modp, struct proc *p, struct coremem *cm,
                char *err, size_t errlen);

#endif
