/*
 * notes.h — what the core's notes say about the process: command name and
 * arguments (NT_PRPSINFO), the threads and the fatal signal (NT_PRSTATUS,
 * NT_SIGINFO). Parsed with bounds checks; a missing or damaged note leaves
 * the field unknown.
 */
#ifndef LIBMAP_COREDUMP_NOTES_H
#define LIBMAP_COREDUMP_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "coremem.h"

#define NOTES_MAX_THREADS 4096

struct core_notes {
    int have_psinfo;
    char fname[17];
    char psargs[81];
    int32_t pid;
    int signo;             /* fatal signal, 0 if unknown */
    uint64_t entry;        /* the executable's entry point (NT_AUXV AT_ENTRY), 0 if unknown */
    int32_t tids[NOTES_MAX_THREADS]; /* in note order: the first is the crashing thread */
    size_t ntids;
    size_t notes_seen;
    int damaged;           /* a note segment could not be read or parsed */
};

/* Fill *n from the core's PT_NOTE segments. Never fails: unknown fields
 * stay zero and damaged is set when something could not be read. */
void notes_read(struct coremem *cm, struct core_notes *n);

#endif
