/*
 * process.c — the libdwfl session over the core (see process.h), in the
 * manner of eu-stack: report the core's modules, attach its threads.
 */
#include "process.h"

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *debuginfo_path;

static const Dwfl_Callbacks core_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

int proc_open(struct proc *p, struct coremem *cm, const char *exe, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->cm = cm;
    p->pid = -1;
    if (exe != NULL && access(exe, R_OK) != 0) {
        snprintf(err, errlen, "cannot read executable %s", exe);
        return -1;
    }
    p->dwfl = dwfl_begin(&core_callbacks);
    if (p->dwfl == NULL) {
        snprintf(err, errlen, "libdwfl: %s", dwfl_errmsg(-1));
        return -1;
    }
    dwfl_report_begin(p->dwfl);
    int n = dwfl_core_file_report(p->dwfl, cm->elf, exe);
    if (dwfl_report_end(p->dwfl, NULL, NULL) != 0 || n < 0) {
        snprintf(err, errlen, "libdwfl cannot read the core's modules: %s", dwfl_errmsg(-1));
        dwfl_end(p->dwfl);
        p->dwfl = NULL;
        return -1;
    }
    p->nmodules = n;
    p->pid = dwfl_core_file_attach(p->dwfl, cm->elf);
    if (p->pid < 0)
        snprintf(p->attach_error, sizeof p->attach_error, "%s", dwfl_errmsg(-1));
    return 0;
}

void proc_close(struct proc *p)
{
    if (p->dwfl != NULL)
        dwfl_end(p->dwfl);
    p->dwfl = NULL;
}

struct find_sym {
    const char *name;
    Dwfl_Module *mod;
    uint64_t addr, size;
    int prefer;         /* 0: the first module; PREFER_EXECUTABLE or PREFER_LIBRARY */
};

static int find_sym_cb(Dwfl_Module *mod, void **ud, const char *mname, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)mname, (void)start;
    struct find_sym *fs = arg;
    int n = dwfl_module_getsymtab(mod);
    for (int i = 1; i < n; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        const char *s = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL, NULL);
        if (s == NULL || sym.st_shndx == SHN_UNDEF || strcmp(s, fs->name) != 0)
            continue;
        if (GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
            continue;
        /* A program that refers to a libmap global has its own copy of it
         * (a copy relocation): both modules define the symbol. */
        int exe = fs->prefer ? proc_module_is_executable(mod) : 0;
        if (fs->mod != NULL && exe != (fs->prefer == PREFER_EXECUTABLE))
            return DWARF_CB_OK;
        fs->mod = mod;
        fs->addr = addr;
        fs->size = sym.st_size;
        if (fs->prefer == 0 || exe == (fs->prefer == PREFER_EXECUTABLE))
            return DWARF_CB_ABORT;
        return DWARF_CB_OK;
    }
    return DWARF_CB_OK;
}

int proc_module_symbol(Dwfl_Module *mod, const char *name, uint64_t *addr)
{
    struct find_sym fs = {name, NULL, 0, 0, 0};
    find_sym_cb(mod, NULL, NULL, 0, &fs);
    if (fs.mod == NULL)
        return -1;
    *addr = fs.addr;
    return 0;
}

Dwfl_Module *proc_find_symbol(struct proc *p, const char *name, uint64_t *addr, uint64_t *size,
                              int prefer)
{
    struct find_sym fs = {name, NULL, 0, 0, prefer};
    dwfl_getmodules(p->dwfl, find_sym_cb, &fs, 0);
    if (fs.mod != NULL) {
        *addr = fs.addr;
        if (size != NULL)
            *size = fs.size;
    }
    return fs.mod;
}

static int fallback_cb(Dwfl_Module *mod, void **ud, const char *mname, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)mname, (void)start;
    struct proc *p = arg;
    GElf_Addr bias;
    Elf *e = dwfl_module_getelf(mod, &bias);
    if (e == NULL)
        return DWARF_CB_OK;
    size_t rawsize;
    const uint8_t *raw = (const uint8_t *)elf_rawfile(e, &rawsize);
    size_t phnum;
    if (raw == NULL || elf_getphdrnum(e, &phnum) != 0)
        return DWARF_CB_OK;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_LOAD)
            continue;
        /* only read-only data: a writable page the core did not save may
         * have been written since the file was mapped */
        if (ph.p_flags & PF_W)
            continue;
        if (ph.p_offset > rawsize || ph.p_filesz > rawsize - ph.p_offset)
            continue;
        cm_add_fallback(p->cm, ph.p_vaddr + bias, ph.p_filesz, raw + ph.p_offset);
    }
    return DWARF_CB_OK;
}

void proc_add_file_fallbacks(struct proc *p)
{
    dwfl_getmodules(p->dwfl, fallback_cb, p, 0);
}

const char *proc_module_path(Dwfl_Module *mod)
{
    const char *mainfile = NULL;
    dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
    return mainfile;
}

const char *proc_module_name(Dwfl_Module *mod)
{
    const char *path = proc_module_path(mod);
    if (path == NULL)
        path = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (path == NULL)
        return "?";
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

const char *build_id_hex(const unsigned char *bits, int n, char *buf, size_t len)
{
    buf[0] = 0;
    for (int i = 0; i < n && (size_t)(2 * i + 2) < len; i++)
        snprintf(buf + 2 * i, 3, "%02x", bits[i]);
    return buf;
}

const char *proc_module_build_id(Dwfl_Module *mod, char *buf, size_t len)
{
    const unsigned char *bits;
    GElf_Addr vaddr;
    return build_id_hex(bits, dwfl_module_build_id(mod, &bits, &vaddr), buf, len);
}

int proc_module_has_dwarf(Dwfl_Module *mod)
{
    Dwarf_Addr bias;
    return dwfl_module_getdwarf(mod, &bias) != NULL;
}

int proc_module_is_executable(Dwfl_Module *mod)
{
    GElf_Addr bias;
    Elf *e = dwfl_module_getelf(mod, &bias);
    GElf_Ehdr eh;
    size_t phnum;
    if (e == NULL || gelf_getehdr(e, &eh) == NULL)
        return 0;
    if (eh.e_type == ET_EXEC)
        return 1;
    if (elf_getphdrnum(e, &phnum) != 0)
        return 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) != NULL && ph.p_type == PT_INTERP)
            return 1;
    }
    return 0;
}

struct missing {
    char *buf;
    size_t len, used;
    int n;
};

static int missing_cb(Dwfl_Module *mod, void **ud, const char *mname, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)start;
    struct missing *m = arg;
    GElf_Addr bias;
    if (dwfl_module_getelf(mod, &bias) != NULL)
        return DWARF_CB_OK;
    const char *slash = strrchr(mname, '/');
    const char *why = dwfl_errmsg(-1);
    if (why == NULL || strstr(why, "Callback returned failure") != NULL)
        why = "not found, or its build ID differs from the core's";
    int w = snprintf(m->buf + m->used, m->len - m->used, "%s%s: %s", m->n ? "; " : "",
                     slash ? slash + 1 : mname, why);
    if (w > 0 && (size_t)w < m->len - m->used)
        m->used += (size_t)w;
    m->n++;
    return DWARF_CB_OK;
}

int proc_missing_files(struct proc *p, char *buf, size_t len)
{
    struct missing m = {buf, len, 0, 0};
    buf[0] = 0;
    dwfl_getmodules(p->dwfl, missing_cb, &m, 0);
    return m.n;
}

struct by_path {
    const char *real;
    Dwfl_Module *found;
};

static int by_path_cb(Dwfl_Module *mod, void **ud, const char *mname, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)mname, (void)start;
    struct by_path *bp = arg;
    const char *path = proc_module_path(mod);
    char *real = path ? realpath(path, NULL) : NULL;
    if (real != NULL && strcmp(real, bp->real) == 0)
        bp->found = mod;
    free(real);
    return bp->found ? DWARF_CB_ABORT : DWARF_CB_OK;
}

Dwfl_Module *proc_module_of_file(struct proc *p, const char *path)
{
    struct by_path bp = {realpath(path, NULL), NULL};
    if (bp.real == NULL)
        return NULL;
    dwfl_getmodules(p->dwfl, by_path_cb, &bp, 0);
    free((char *)bp.real);
    return bp.found;
}

/* Modules libdwfl could not find in a core cut short: their ELF headers
 * (and the dynamic linker's list of libraries) were past the cut. NT_FILE,
 * at the start of the core, still lists every file mapping: each file
 * mapped from offset 0 at an address no module covers is reported from
 * disk. Returns how many were added; their paths are listed in added. */
int proc_report_mapped_files(struct proc *p, const struct core_notes *n, char *added,
                             size_t len)
{
    int count = 0;
    added[0] = 0;
    for (size_t i = 0; i < n->nfiles; i++) {
        const struct core_file *f = &n->files[i];
        if (f->offset != 0 || f->path[0] != '/' || dwfl_addrmodule(p->dwfl, f->start) != NULL)
            continue;
        /* the same file may have been added for an earlier mapping */
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(n->files[k].path, f->path) == 0 &&
                   dwfl_addrmodule(p->dwfl, n->files[k].start) != NULL;
        if (seen || access(f->path, R_OK) != 0)
            continue;
        const char *base = strrchr(f->path, '/') + 1;
        dwfl_report_begin_add(p->dwfl);
        Dwfl_Module *mod = dwfl_report_elf(p->dwfl, base, f->path, -1, f->start, false);
        dwfl_report_end(p->dwfl, NULL, NULL);
        if (mod == NULL)
            continue;
        count++;
        size_t used = strlen(added);
        snprintf(added + used, len - used, "%s%s", used ? ", " : "", f->path);
    }
    return count;
}
