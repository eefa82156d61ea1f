/*
 * stacks.h — every thread's stack, unwound by libdwfl from the core and
 * symbolized: function (from DWARF, else the symbol table), file:line, and
 * the inlined calls at each address as frames of their own (as eu-stack
 * -i shows them). Threads inside a libmap operation are marked.
 */
#ifndef LIBMAP_COREDUMP_STACKS_H
#define LIBMAP_COREDUMP_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "process.h"

#define STACK_MAX_FRAMES 256
#define STACK_MAX_THREADS 4096

struct frame {
    uint64_t pc;        /* as unwound (return address for callers) */
    int inlined;        /* an inlined call inside the physical frame that follows */
    char *function;     /* NULL when unknown; C++ names demangled */
    char *mangled;      /* the mangled C++ name, or NULL (C, or not mangled) */
    int signal_frame;   /* the signal return trampoline (__restore_rt) */
    uint64_t offset;    /* from the symbol, when named by the symbol table */
    char *module;       /* file name of the module, NULL when none */
    char *file;         /* source file, NULL when unknown */
    int line;
    int in_libmap;      /* the frame is libmap code */
};

struct thread {
    int32_t tid;
    struct frame *frames;
    size_t nframes;
    int truncated;      /* more than STACK_MAX_FRAMES */
    char *error;        /* why unwinding stopped early, or NULL */
    int in_libmap;
    const char *libmap_function; /* outermost libmap frame's function */
};

struct threads {
    struct thread *t;
    size_t n;
    char error[320];    /* why no thread could be listed, or "" */
};

/* libmap_mod: the module that defines libmap (its frames are libmap's). */
void stacks_collect(struct threads *ts, struct proc *p, Dwfl_Module *libmap_mod);
void stacks_free(struct threads *ts);
struct thread *stacks_find(struct threads *ts, int32_t tid);

#endif
