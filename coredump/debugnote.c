/*
 * debugnote.c — find libmap's debug note (debug.h, LIBMAP_NOTE_TYPE) in
 * the modules of the process: the way to the layout descriptor, the panic
 * record and the registry when no module has a symbol table (a stripped
 * static program). The note is read from each module's file (libdwfl's
 * ELF for the module, checked against the core's build ID), in its PT_NOTE
 * segments; its offsets are relative to their own addresses, to which the
 * module's load bias is added.
 */
#include "debugnote.h"

#include <gelf.h>
#include <libmap/debug.h>
#include <string.h>

struct note_scan {
    struct libmap_note *out;
    Dwfl_Module *found;
};

/* Read a little- or big-endian integer of the note's ELF file. */
static uint64_t get_uint(Elf *e, const uint8_t *p, unsigned n)
{
    GElf_Ehdr eh;
    int big = gelf_getehdr(e, &eh) != NULL && eh.e_ident[EI_DATA] == ELFDATA2MSB;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
    return v;
}

static int scan_elf(Elf *e, GElf_Addr bias, struct libmap_note *out)
{
    size_t phnum;
    if (elf_getphdrnum(e, &phnum) != 0)
        return 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_NOTE)
            continue;
        Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
        if (d == NULL)
            continue;
        size_t off = 0, name_off, desc_off;
        GElf_Nhdr nh;
        while (off < d->d_size) {
            size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
            if (next == 0 || next <= off)
                break;
            off = next;
            const char *name = (const char *)d->d_buf + name_off;
            if (nh.n_type != LIBMAP_NOTE_TYPE || nh.n_namesz != sizeof LIBMAP_NOTE_NAME ||
                memcmp(name, LIBMAP_NOTE_NAME, sizeof LIBMAP_NOTE_NAME) != 0 ||
                nh.n_descsz < 32 || desc_off + 32 > d->d_size)
                continue;
            const uint8_t *desc = (const uint8_t *)d->d_buf + desc_off;
            out->version = (uint32_t)get_uint(e, desc, 4);
            if (out->version != LIBMAP_NOTE_VERSION)
                continue;
            uint64_t desc_vaddr = ph.p_vaddr + desc_off + bias;
            uint64_t *dst[3] = {&out->layout, &out->panic_record, &out->registry};
            for (int k = 0; k < 3; k++) {
                uint64_t field = desc_vaddr + 8 + 8 * (uint64_t)k;
                *dst[k] = field + get_uint(e, desc + 8 + 8 * k, 8); /* wraps: signed offset */
            }
            return 1;
        }
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

Dwfl_Module *debugnote_find(struct proc *p, struct libmap_note *out)
{
    memset(out, 0, sizeof *out);
    struct note_scan ns = {out, NULL};
    dwfl_getmodules(p->dwfl, module_cb, &ns, 0);
    return ns.found;
}
