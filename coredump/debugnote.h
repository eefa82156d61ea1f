/*
 * debugnote.h — libmap's debug note in the process's modules (see
 * debugnote.c and LIBMAP_NOTE_TYPE in libmap/debug.h).
 */
#ifndef LIBMAP_COREDUMP_DEBUGNOTE_H
#define LIBMAP_COREDUMP_DEBUGNOTE_H

#include <libmap/inspect.h>

#include "process.h"

/* The module whose file carries the note, with the addresses it gives (in
 * the process), or NULL (out zeroed) when no module has one. */
Dwfl_Module *debugnote_find(struct proc *p, struct lmi_note_addrs *out);

#endif
