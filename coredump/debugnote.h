/*
 * debugnote.h — libmap's debug note in the process's modules (see
 * debugnote.c and LIBMAP_NOTE_TYPE in libmap/debug.h).
 */
#ifndef LIBMAP_COREDUMP_DEBUGNOTE_H
#define LIBMAP_COREDUMP_DEBUGNOTE_H

#include <stdint.h>

#include "process.h"

struct libmap_note {
    uint32_t version;
    uint64_t layout, panic_record, registry; /* addresses in the process */
};

/* The module whose file carries the note, with the addresses it gives, or
 * NULL when no module has one. */
Dwfl_Module *debugnote_find(struct proc *p, struct libmap_note *out);

#endif
