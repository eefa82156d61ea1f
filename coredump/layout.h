/*
 * layout.h — libmap's layout descriptor (libmap_layout in libmap/debug.h),
 * loaded from the crashed process: found by symbol in the module that
 * defines it (libmap.so, or the executable when libmap is linked
 * statically), else through libmap's debug note (stripped programs);
 * read from the core or, when the core did not save that read-only page,
 * from the module's file; magic, version and every value
 * checked. Every offset, width and constant the analyzer uses comes from
 * here: nothing about libmap's structures is compiled in except the
 * descriptor's own format.
 */
#ifndef LIBMAP_COREDUMP_LAYOUT_H
#define LIBMAP_COREDUMP_LAYOUT_H

#include <libmap/debug.h>
#include <stdint.h>

#include "coremem.h"
#include "process.h"

struct lm_layout {
    struct libmap_layout d; /* the descriptor, in host byte order */
    uint64_t addr;          /* where libmap_layout lives in the process */
    Dwfl_Module *mod;       /* the module defining it */
    const char *source;     /* "core" or "file" */
    unsigned ptr;           /* bytes of a pointer (size_t has the same width) */
    uint64_t panic_addr;    /* libmap_panic_record, 0 if not found */
    uint64_t registry_addr; /* libmap_registry, 0 if not found */
    int extended;           /* the descriptor has the appended width fields */
    int has_writer_seq;     /* it has writer_seq_shift and writer_seq_mask (appended
                               later; older libmaps have no write sequence) */
    int from_note;          /* found through the debug note, not a symbol */
    char note[384];         /* a remark for the user, or "" */
};

/* Returns 0, or -1 with a message for the user. */
int layout_load(struct lm_layout *l, struct proc *p, struct coremem *cm, char *err, size_t errlen);

#endif
