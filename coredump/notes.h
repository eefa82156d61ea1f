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

/* One file mapping of the process (NT_FILE). */
struct core_file {
    uint64_t start, end; /* addresses */
    uint64_t offset;     /* in the file, bytes */
    const char *path;    /* into core_notes.file_names */
};

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
    struct core_file *files; /* NT_FILE's mappings (malloc'd), nfiles of them */
    size_t nfiles;
    char *file_names;        /* their paths (malloc'd) */
};

/* Fill *n from the core's PT_NOTE segments. Never fails: unknown fields
 * stay zero and damaged is set when something could not be read. */
void notes_read(struct coremem *cm, struct core_notes *n);
void notes_free(struct core_notes *n);

#endif
