/*
 * layout.h — libmap's layout descriptor (libmap_layout in libmap/debug.h),
 * read from the target and checked: magic, version and every value. Every
 * offset, width and constant the inspector uses comes from here: nothing
 * about libmap's structures is compiled in except the descriptor's own
 * format. Where the descriptor lives (a symbol, libmap's debug note) is
 * the tool's business: libmap-coredump looks it up with libdwfl
 * (coredump/layout_find.c), gdb with its symbol tables.
 */
#ifndef LIBMAP_INSPECT_LAYOUT_H
#define LIBMAP_INSPECT_LAYOUT_H

#include <libmap/debug.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

struct lm_layout {
    struct libmap_layout d; /* the descriptor, in host byte order */
    uint64_t addr;          /* where libmap_layout lives in the process */
    const char *source;     /* "core" or "file" */
    unsigned ptr;           /* bytes of a pointer (size_t has the same width) */
    uint64_t panic_addr;    /* libmap_panic_record, 0 if not found */
    uint64_t registry_addr; /* libmap_registry, 0 if not found */
    int extended;           /* the descriptor has the appended width fields */
    int has_writer_seq;     /* it has writer_seq_shift and writer_seq_mask (appended
                               later; older libmaps have no write sequence) */
    int has_guard;          /* it describes the safe maps' locks (map_guard, lock_*;
                               appended later still) */
    int has_lock_slots;     /* it describes reader slots (lock_slots ...) */
    int from_note;          /* found through the debug note, not a symbol */
    char module[256];       /* the module defining it, for messages ("" unknown) */
    char note[384];         /* a remark for the user, or "" */
};

/* Read and check the descriptor at addr through mem (file_only: from the
 * program's files only). Sets d (noverflow_max_b from debug.h's table when
 * the descriptor predates it), addr, ptr, extended and has_writer_seq;
 * the caller sets the rest. Returns 0, or -1 with a message for the user. */
int layout_read(struct lm_layout *l, struct lmi_mem *mem, int file_only, uint64_t addr,
                char *err, size_t errlen);

/* The field of the descriptor named field (its name in struct
 * libmap_layout) as read: 0, or -1 when there is no such field or the
 * target's descriptor is too short to have it (lmi_layout_value). */
int layout_value(const struct lm_layout *l, const char *field, uint64_t *out);

#endif
