/*
 * process.h — the crashed process as libdwfl sees it: the modules mapped in
 * the core (the executable, libmap, libc...), their symbols, their debug
 * information, and the threads ready for unwinding.
 */
#ifndef LIBMAP_COREDUMP_PROCESS_H
#define LIBMAP_COREDUMP_PROCESS_H

#include <elfutils/libdwfl.h>
#include <stdint.h>

#include "coremem.h"
#include "notes.h"

struct proc {
    Dwfl *dwfl;
    struct coremem *cm;
    int pid;                /* from dwfl_core_file_attach, or -1 */
    char attach_error[256]; /* why threads cannot be unwound, if so */
    int nmodules;
};

/* Report the core's modules and attach its threads. Returns 0, or -1 with
 * a message (no usable module at all). */
int proc_open(struct proc *p, struct coremem *cm, const char *exe, char *err, size_t errlen);
void proc_close(struct proc *p);

/* Find a symbol defined by any module. Returns the module, with the run-time
 * address and size; NULL when no module defines it. */
/* Where a program refers to a libmap global, it has a copy of it (a copy
 * relocation) and both modules define the symbol: PREFER_EXECUTABLE finds
 * the copy the process used (the live panic record, the registry),
 * PREFER_LIBRARY the module that holds libmap's code (constant data is the
 * same in both). 0: the first module found. */
#define PREFER_EXECUTABLE 1
#define PREFER_LIBRARY 2
Dwfl_Module *proc_find_symbol(struct proc *p, const char *name, uint64_t *addr, uint64_t *size,
                              int prefer);

/* The same, in one module. Returns 0 or -1. */
int proc_module_symbol(Dwfl_Module *mod, const char *name, uint64_t *addr);

/* List the modules whose files libdwfl could not use ("name (reason); ...").
 * Returns how many. */
int proc_missing_files(struct proc *p, char *buf, size_t len);

/* The module loaded from this file (the executable, say), or NULL. */
Dwfl_Module *proc_module_of_file(struct proc *p, const char *path);

/* Let reads the core cannot satisfy fall back to the modules' files: their
 * read-only segments (writable ones may have changed since they were
 * mapped, so missing writable pages stay "not saved in the core"). */
void proc_add_file_fallbacks(struct proc *p);

/* The module's file name without directories (or its libdwfl name). */
const char *proc_module_name(Dwfl_Module *mod);
/* The module's main file path, or NULL when libdwfl found no file. */
const char *proc_module_path(Dwfl_Module *mod);
/* Hex build ID into buf (at least 41 bytes), "" when unknown. */
const char *proc_module_build_id(Dwfl_Module *mod, char *buf, size_t len);
/* n bytes of build ID as hex into buf ("" when n <= 0). */
const char *build_id_hex(const unsigned char *bits, int n, char *buf, size_t len);
/* Whether the module is a program (has PT_INTERP or is ET_EXEC) rather
 * than a shared library. */
int proc_module_is_executable(Dwfl_Module *mod);
/* Report from disk the files that NT_FILE maps but libdwfl found no module
 * for (a truncated core); returns how many, their paths in added. */
int proc_report_mapped_files(struct proc *p, const struct core_notes *n, char *added,
                             size_t len);
/* Whether DWARF is available (looked up on first call: local paths,
 * /usr/lib/debug, and debuginfod when DEBUGINFOD_URLS is set). */
int proc_module_has_dwarf(Dwfl_Module *mod);

#endif
