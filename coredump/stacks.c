/*
 * stacks.c — unwind and symbolize every thread of the core (see stacks.h).
 * Modeled on eu-stack: dwfl_getthreads, dwfl_thread_getframes, then for
 * each pc the chain of concrete scopes around the innermost function
 * (dwarf_getscopes, then dwarf_getscopes_die) gives every inlined call as a
 * frame, each located by its caller's DW_AT_call_file/DW_AT_call_line.
 * Where the line table and the symbol table disagree (a static program
 * whose libc has no debug info), the ELF symbol names the frame and the
 * stray file:line is dropped. C++ names are demangled; the signal
 * trampoline is marked. tests/stacks compares the result with eu-stack -i
 * and gdb.
 */
#include "stacks.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collect {
    struct threads *ts;
    struct thread *cur;
    Dwfl_Module *libmap_mod;
    int libmap_is_main;
};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static struct frame *new_frame(struct thread *t)
{
    if (t->nframes >= STACK_MAX_FRAMES * 4)
        return NULL;
    if (t->nframes % 16 == 0) {
        struct frame *n = realloc(t->frames, (t->nframes + 16) * sizeof *n);
        if (n == NULL)
            return NULL;
        t->frames = n;
    }
    struct frame *f = &t->frames[t->nframes++];
    memset(f, 0, sizeof *f);
    return f;
}

static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    const char *s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
    if (s == NULL)
        s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
    return s;
}

/* The caller's location recorded on an inlined_subroutine DIE. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *inl, const char **file, int *line)
{
    Dwarf_Attribute a;
    Dwarf_Word fidx = 0, ln = 0;
    *file = NULL;
    *line = 0;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &ln) == 0)
        *line = (int)ln;
    Dwarf_Files *files;
    size_t nfiles;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &fidx) == 0 &&
        dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && fidx < nfiles)
        *file = dwarf_filesrc(files, fidx, NULL, NULL);
}

static int is_libmap(struct collect *c, Dwfl_Module *mod, const char *fn, const char *file)
{
    if (mod == NULL || mod != c->libmap_mod)
        return 0;
    if (!c->libmap_is_main)
        return 1;
    /* libmap linked into the executable: recognize it by name */
    return (fn != NULL && strncmp(fn, "libmap_", 7) == 0) ||
           (file != NULL && strstr(file, "libmap/src/") != NULL);
}

/* The demangled form of a C++ name (malloc'd), or NULL when name is not
 * mangled. __cxa_demangle comes from the C++ runtime (libstdc++). */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);
static char *demangle(const char *name)
{
    if (name == NULL || strncmp(name, "_Z", 2) != 0)
        return NULL;
    int status = 0;
    char *d = __cxa_demangle(name, NULL, NULL, &status);
    if (status != 0) {
        free(d);
        return NULL;
    }
    return d;
}

/* Set f->function (demangled when C++) and f->mangled. */
static void set_function(struct frame *f, const char *name)
{
    char *d = demangle(name);
    if (d != NULL) {
        f->function = d;
        f->mangled = strdup(name);
    } else {
        f->function = dup_or_null(name);
    }
}

/* Append the frames for one pc: inlined calls first, then the function. */
static void symbolize(struct collect *c, struct thread *t, Dwfl *dwfl, Dwarf_Addr pc, int activation)
{
    Dwarf_Addr lpc = activation ? pc : pc - 1;
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, lpc);
    const char *mname = mod ? proc_module_name(mod) : NULL;
    const char *symname = NULL;
    GElf_Off symoff = 0;
    if (mod != NULL) {
        GElf_Sym sym;
        symname = dwfl_module_addrinfo(mod, lpc, &symoff, &sym, NULL, NULL, NULL);
        symoff += pc - lpc;
    }
    const char *file = NULL;
    int line = 0;
    Dwarf_Addr line_addr = 0;
    if (mod != NULL) {
        Dwfl_Line *dl = dwfl_module_getsrc(mod, lpc);
        if (dl != NULL)
            file = dwfl_lineinfo(dl, &line_addr, &line, NULL, NULL, NULL);
    }
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = mod ? dwfl_module_addrdie(mod, lpc, &bias) : NULL;
    Dwarf_Die *scopes = NULL;
    int nscopes = cu ? dwarf_getscopes(cu, lpc - bias, &scopes) : 0;
    /* dwarf_getscopes follows an inlined call's abstract origin outwards,
     * not the chain of concrete inlined instances that contains it: a
     * chain of inlined calls would lose its middle levels. As eu-stack
     * does, take the innermost function-like scope and ask for every scope
     * that contains that very DIE. */
    for (int i = 0; i < nscopes; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram &&
            tag != DW_TAG_entry_point)
            continue;
        Dwarf_Die innermost = scopes[i];
        Dwarf_Die *chain = NULL;
        int nchain = dwarf_getscopes_die(&innermost, &chain);
        if (nchain > 0) {
            free(scopes);
            scopes = chain;
            nscopes = nchain;
        }
        break;
    }
    int done = 0;
    for (int i = 0; i < nscopes && !done; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram &&
            tag != DW_TAG_entry_point)
            continue;
        struct frame *f = new_frame(t);
        if (f == NULL)
            break;
        const char *fn = die_name(&scopes[i]);
        f->pc = pc;
        f->inlined = tag == DW_TAG_inlined_subroutine;
        set_function(f, fn ? fn : symname);
        f->module = dup_or_null(mname);
        f->file = dup_or_null(file);
        f->line = line;
        f->in_libmap = is_libmap(c, mod, fn ? fn : symname, file);
        if (f->inlined)
            call_site(cu, &scopes[i], &file, &line);
        else
            done = 1;
    }
    free(scopes);
    if (done)
        return;
    /* A line-table row that starts before the function the symbol table
     * puts at this address belongs to other code: in a static program
     * with no debug info for libc, libdw answers an address in abort with
     * the last row of libmap's table ("abort at trace.h:117"). */
    if (cu == NULL || (symname != NULL && file != NULL && line_addr < pc - symoff))
        file = NULL, line = 0;
    /* no DWARF function: the symbol table names it */
    struct frame *f = new_frame(t);
    if (f == NULL)
        return;
    f->pc = pc;
    set_function(f, symname);
    f->offset = symname ? symoff : 0;
    f->module = dup_or_null(mname);
    f->file = dup_or_null(file);
    f->line = line;
    f->in_libmap = is_libmap(c, mod, symname, file);
    /* the kernel's signal return trampoline: gdb's <signal handler called> */
    f->signal_frame = symname != NULL && strcmp(symname, "__restore_rt") == 0;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
    struct collect *c = arg;
    struct thread *t = c->cur;
    Dwarf_Addr pc;
    bool activation;
    if (!dwfl_frame_pc(state, &pc, &activation))
        return DWARF_CB_ABORT;
    size_t physical = 0;
    for (size_t i = 0; i < t->nframes; i++)
        physical += !t->frames[i].inlined;
    if (physical >= STACK_MAX_FRAMES) {
        t->truncated = 1;
        return DWARF_CB_ABORT;
    }
    symbolize(c, t, dwfl_thread_dwfl(dwfl_frame_thread(state)), pc, activation);
    return DWARF_CB_OK;
}

static int thread_cb(Dwfl_Thread *th, void *arg)
{
    struct collect *c = arg;
    struct threads *ts = c->ts;
    if (ts->n >= STACK_MAX_THREADS)
        return DWARF_CB_ABORT;
    if (ts->n % 16 == 0) {
        struct thread *n = realloc(ts->t, (ts->n + 16) * sizeof *n);
        if (n == NULL)
            return DWARF_CB_ABORT;
        ts->t = n;
    }
    struct thread *t = &ts->t[ts->n++];
    memset(t, 0, sizeof *t);
    t->tid = dwfl_thread_tid(th);
    c->cur = t;
    int rc = dwfl_thread_getframes(th, frame_cb, c);
    if (rc == -1 && !t->truncated)
        t->error = strdup(dwfl_errmsg(-1));
    for (size_t i = 0; i < t->nframes; i++) {
        if (!t->frames[i].in_libmap)
            continue;
        t->in_libmap = 1;
        const char *fn = t->frames[i].function;
        if (fn != NULL && (t->libmap_function == NULL || strncmp(fn, "libmap_", 7) == 0))
            t->libmap_function = fn;
    }
    return DWARF_CB_OK;
}

void stacks_collect(struct threads *ts, struct proc *p, Dwfl_Module *libmap_mod)
{
    memset(ts, 0, sizeof *ts);
    if (p->pid < 0) {
        snprintf(ts->error, sizeof ts->error, "threads cannot be unwound: %s", p->attach_error);
        return;
    }
    struct collect c = {ts, NULL, libmap_mod, 0};
    /* libmap linked into the executable: only its own functions count */
    c.libmap_is_main = libmap_mod != NULL && proc_module_is_executable(libmap_mod);
    if (dwfl_getthreads(p->dwfl, thread_cb, &c) == -1 && ts->n == 0)
        snprintf(ts->error, sizeof ts->error, "threads cannot be listed: %s", dwfl_errmsg(-1));
}

void stacks_free(struct threads *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        struct thread *t = &ts->t[i];
        for (size_t j = 0; j < t->nframes; j++) {
            free(t->frames[j].function);
            free(t->frames[j].mangled);
            free(t->frames[j].module);
            free(t->frames[j].file);
        }
        free(t->frames);
        free(t->error);
    }
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

struct thread *stacks_find(struct threads *ts, int32_t tid)
{
    for (size_t i = 0; i < ts->n; i++)
        if (ts->t[i].tid == tid)
            return &ts->t[i];
    return NULL;
}
