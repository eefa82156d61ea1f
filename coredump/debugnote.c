/*
 * debugnote.c — find libmap's debug note (debug.h, LIBMAP_NOTE_TYPE) in
 * the modules of the process: the way to the layout descriptor, the panic
 * record and the registry when no module has a symbol table (a stripped
 * static program). The note is read from each module's file (libdwfl's
 * ELF for the module, checked against the core's build ID), in its PT_NOTE
 * segments, loaded at their address plus the module's load bias; the
 * notes are decoded by libmap-inspect (lmi_note_decode), as gdb's are.
 */
#include "debugnote.h"

#include <gelf.h>
#include <string.h>

struct note_scan {
    struct lmi_note_addrs *out;
    Dwfl_Module *found;
};

static int scan_elf(Elf *e, GElf_Addr bias, struct lmi_note_addrs *out)
{
    GElf_Ehdr eh;
    size_t phnum;
    if (gelf_getehdr(e, &eh) == NULL || elf_getphdrnum(e, &phnum) != 0)
        return 0;
    int big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_NOTE)
            continue;
        /* the file's bytes as they are: the decoder reads the byte order */
        Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
        if (d != NULL && lmi_note_decode(d->d_buf, d->d_size, ph.p_vaddr + bias, big, out) == 1)
            return 1;
    }
    return 0;
}

static int module_cb(Dwfl_Module *mod, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)name, (void)start;
    struct note_scan *ns = arg;
    GElf_Addr bias;
    Elf *e = dwfl_module_getelf(mod, &bias);
    if (e == NULL || !scan_elf(e, bias, ns->out))
        return DWARF_CB_OK;
    ns->found = mod;
    return DWARF_CB_ABORT;
}

Dwfl_Module *debugnote_find(struct proc *p, struct lmi_note_addrs *out)
{
    memset(out, 0, sizeof *out);
    struct note_scan ns = {out, NULL};
    dwfl_getmodules(p->dwfl, module_cb, &ns, 0);
    return ns.found;
}
