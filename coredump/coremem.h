/*
 * coremem.h — the crashed process's memory as a core file holds it.
 *
 * The core's PT_LOAD segments map addresses to file bytes. Every read is
 * bounded and, when bytes are missing, says why and where: the address is
 * not mapped in the process, it is mapped but its bytes were not saved in
 * the core (past p_filesz: coredump_filter, read-only file-backed data), or
 * the core file is shorter than its headers claim (truncated: ulimit -c).
 * File-backed ranges (the modules' ELF files) fill in what the core did not
 * save. Large reads come straight from a shared mapping of the core whose
 * pages are dropped periodically, so resident memory stays bounded however
 * big the core is.
 */
#ifndef LIBMAP_COREDUMP_COREMEM_H
#define LIBMAP_COREDUMP_COREMEM_H

#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "mem.h"

struct cm_segment {
    uint64_t vaddr, memsz, filesz, offset;
    uint32_t flags;
};

/* Bytes of a mapped file standing in for memory the core did not save. */
struct cm_fallback {
    uint64_t vaddr, len;
    const uint8_t *data;
};

struct coremem {
    struct lmi_mem mem;     /* the inspector's reader over this core */
    int fd;
    const uint8_t *map;     /* the whole core file, PROT_READ, MAP_SHARED */
    uint64_t size;          /* bytes in the file */
    uint64_t expected_size; /* bytes the program headers describe */
    Elf *elf;               /* the core, for libdwfl and the notes */
    int elfclass;           /* ELFCLASS32 / ELFCLASS64 */
    int big_endian;
    unsigned machine;
    struct cm_segment *seg; /* PT_LOAD, sorted by vaddr */
    size_t nseg;
    struct cm_fallback *fb;
    size_t nfb;
    uint64_t touched;       /* bytes handed out since pages were last dropped */
    uint64_t fallback_reads;
};

/* Open and check a core file. Returns 0, or -1 with a message in err. */
int cm_open(struct coremem *cm, const char *path, char *err, size_t errlen);
void cm_close(struct coremem *cm);

/* Whether the file is shorter than its program headers claim. */
static inline int cm_truncated(const struct coremem *cm) { return cm->size < cm->expected_size; }

/* Register file bytes for [vaddr, vaddr+len) (kept by the caller). */
int cm_add_fallback(struct coremem *cm, uint64_t vaddr, uint64_t len, const uint8_t *data);

/* Copy len bytes at addr into buf. Returns 0, or -1 with *f set. */
int cm_read(struct coremem *cm, uint64_t addr, void *buf, size_t len, struct lmi_fault *f);

/* Copy from the mapped files only (ignoring the core). */
int cm_read_file(struct coremem *cm, uint64_t addr, void *buf, size_t len, struct lmi_fault *f);

/* Pointer to len bytes at addr: straight into the core when contiguous in
 * it, else copied into scratch (at least len bytes). NULL with *f set when
 * some byte is missing. Valid until the next call. */
const uint8_t *cm_get(struct coremem *cm, uint64_t addr, size_t len, uint8_t *scratch,
                      struct lmi_fault *f);

/* The lowest address >= addr that is readable, or UINT64_MAX. Used to skip
 * over an unreadable region in one step. */
uint64_t cm_next_readable(const struct coremem *cm, uint64_t addr);

/* Whether [addr, addr+len) lies inside mapped segments (saved or not). */
int cm_is_mapped(const struct coremem *cm, uint64_t addr, uint64_t len);

/* Target integers in the core's byte order (width 1..8). */
static inline uint64_t cm_uint(const struct coremem *cm, const uint8_t *p, unsigned width)
{
    return lmi_uint(&cm->mem, p, width);
}

/* Drop the pages of the core mapping from this process (they stay in the
 * page cache); called automatically every so many bytes. */
void cm_release_pages(struct coremem *cm);

#endif
