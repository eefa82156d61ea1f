/*
 * coremem.c — bounded reads of the crashed process's memory from the core
 * file's PT_LOAD segments, with fallback to mapped files (see coremem.h).
 */
#include "coremem.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Drop mapped core pages after this many bytes were handed out. */
#define CM_RELEASE_EVERY ((uint64_t)256 << 20)
/* Refuse absurd program header counts (the kernel caps at 65535 + extended). */
#define CM_MAX_SEGMENTS (1u << 20)

static void init_mem(struct coremem *cm);

static int seg_cmp(const void *a, const void *b)
{
    const struct cm_segment *x = a, *y = b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Open the file and map it whole, read-only. */
static int map_file(struct coremem *cm, const char *path, char *err, size_t errlen)
{
    cm->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (cm->fd < 0) {
        snprintf(err, errlen, "cannot open core %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(cm->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "core %s is not a regular file", path);
        return -1;
    }
    cm->size = (uint64_t)st.st_size;
    if (cm->size == 0) {
        snprintf(err, errlen, "core %s is empty (was it written with `ulimit -c 0`?)", path);
        return -1;
    }
    void *m = mmap(NULL, cm->size, PROT_READ, MAP_SHARED, cm->fd, 0);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "cannot map core %s: %s", path, strerror(errno));
        return -1;
    }
    cm->map = m;
    return 0;
}

/* The ELF header: a core file, its class, byte order and machine. */
static int check_header(struct coremem *cm, const char *path, char *err, size_t errlen)
{
    cm->elf = elf_begin(cm->fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (cm->elf == NULL || elf_kind(cm->elf) != ELF_K_ELF || gelf_getehdr(cm->elf, &eh) == NULL) {
        snprintf(err, errlen, "%s is not an ELF file", path);
        return -1;
    }
    if (eh.e_type != ET_CORE) {
        snprintf(err, errlen, "%s is an ELF file but not a core file (e_type %u)", path,
                 (unsigned)eh.e_type);
        return -1;
    }
    cm->elfclass = gelf_getclass(cm->elf);
    cm->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
    cm->machine = eh.e_machine;
    init_mem(cm);
    return 0;
}

/* The PT_LOAD segments, sorted by address, and the file size that the
 * PT_LOAD and PT_NOTE headers promise (to tell a truncated core). */
static int load_segments(struct coremem *cm, const char *path, char *err, size_t errlen)
{
    size_t phnum;
    if (elf_getphdrnum(cm->elf, &phnum) != 0 || phnum == 0) {
        snprintf(err, errlen,
                 "core %s has no readable program headers (truncated? check `ulimit -c`)", path);
        return -1;
    }
    if (phnum > CM_MAX_SEGMENTS) {
        snprintf(err, errlen, "core %s claims %zu program headers; refusing", path, phnum);
        return -1;
    }
    cm->seg = calloc(phnum, sizeof *cm->seg);
    if (cm->seg == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(cm->elf, (int)i, &ph) == NULL) {
            snprintf(err, errlen, "core %s: program header %zu unreadable (truncated? check `ulimit -c`)",
                     path, i);
            return -1;
        }
        if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
            continue;
        /* the file end the headers promise; saturate on nonsense */
        uint64_t end = ph.p_offset + ph.p_filesz;
        if (end < ph.p_offset)
            end = UINT64_MAX;
        if (end > cm->expected_size)
            cm->expected_size = end;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
            continue; /* wraps: ignore */
        struct cm_segment *s = &cm->seg[cm->nseg++];
        s->vaddr = ph.p_vaddr;
        s->memsz = ph.p_memsz;
        s->filesz = ph.p_filesz < ph.p_memsz ? ph.p_filesz : ph.p_memsz;
        s->offset = ph.p_offset;
        s->flags = ph.p_flags;
    }
    qsort(cm->seg, cm->nseg, sizeof *cm->seg, seg_cmp);
    return 0;
}

int cm_open(struct coremem *cm, const char *path, char *err, size_t errlen)
{
    memset(cm, 0, sizeof *cm);
    cm->fd = -1;
    elf_version(EV_CURRENT);
    if (map_file(cm, path, err, errlen) != 0 || check_header(cm, path, err, errlen) != 0 ||
        load_segments(cm, path, err, errlen) != 0) {
        cm_close(cm);
        return -1;
    }
    return 0;
}

void cm_close(struct coremem *cm)
{
    if (cm->elf != NULL)
        elf_end(cm->elf);
    if (cm->map != NULL)
        munmap((void *)cm->map, cm->size);
    if (cm->fd >= 0)
        close(cm->fd);
    free(cm->seg);
    free(cm->fb);
    memset(cm, 0, sizeof *cm);
    cm->fd = -1;
}

int cm_add_fallback(struct coremem *cm, uint64_t vaddr, uint64_t len, const uint8_t *data)
{
    if (len == 0 || vaddr + len < vaddr)
        return 0;
    struct cm_fallback *n = realloc(cm->fb, (cm->nfb + 1) * sizeof *n);
    if (n == NULL)
        return -1;
    cm->fb = n;
    cm->fb[cm->nfb++] = (struct cm_fallback){vaddr, len, data};
    return 0;
}

/* The segment containing addr, or NULL. */
static const struct cm_segment *find_seg(const struct coremem *cm, uint64_t addr)
{
    size_t lo = 0, hi = cm->nseg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cm->seg[mid].vaddr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct cm_segment *s = &cm->seg[lo - 1];
    return addr - s->vaddr < s->memsz ? s : NULL;
}

static const struct cm_fallback *find_fb(const struct coremem *cm, uint64_t addr)
{
    for (size_t i = 0; i < cm->nfb; i++)
        if (addr - cm->fb[i].vaddr < cm->fb[i].len)
            return &cm->fb[i];
    return NULL;
}

/* Bytes readable contiguously from the core file at addr: *p points at
 * them. Returns 0 with *st set when none. */
static uint64_t core_span(const struct coremem *cm, uint64_t addr, const uint8_t **p,
                          enum lmi_status *st)
{
    const struct cm_segment *s = find_seg(cm, addr);
    if (s == NULL) {
        *st = LMI_NOT_MAPPED;
        return 0;
    }
    uint64_t rel = addr - s->vaddr;
    if (rel >= s->filesz) {
        *st = LMI_NOT_SAVED;
        return 0;
    }
    uint64_t off = s->offset + rel;
    if (off < s->offset || off >= cm->size) {
        *st = LMI_TRUNCATED;
        return 0;
    }
    uint64_t n = s->filesz - rel;
    if (n > cm->size - off)
        n = cm->size - off;
    *p = cm->map + off;
    return n;
}

/* Contiguous bytes at addr from the core, else from a mapped file. */
static uint64_t span(struct coremem *cm, uint64_t addr, const uint8_t **p, enum lmi_status *st)
{
    uint64_t n = core_span(cm, addr, p, st);
    if (n)
        return n;
    const struct cm_fallback *fb = find_fb(cm, addr);
    if (fb == NULL)
        return 0;
    __atomic_fetch_add(&cm->fallback_reads, 1, __ATOMIC_RELAXED);
    *p = fb->data + (addr - fb->vaddr);
    return fb->len - (addr - fb->vaddr);
}

static void note_touch(struct coremem *cm, size_t len)
{
    /* several threads may read (verification, the unwinder): relaxed
     * atomics; dropping pages twice is harmless */
    if (__atomic_add_fetch(&cm->touched, len, __ATOMIC_RELAXED) > CM_RELEASE_EVERY)
        cm_release_pages(cm);
}

void cm_release_pages(struct coremem *cm)
{
    if (cm->map != NULL)
        madvise((void *)cm->map, cm->size, MADV_DONTNEED);
    __atomic_store_n(&cm->touched, 0, __ATOMIC_RELAXED);
}

int cm_read(struct coremem *cm, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    uint8_t *out = buf;
    if (len && addr + len - 1 < addr) {
        f->status = LMI_NOT_MAPPED;
        f->addr = addr;
        return -1;
    }
    note_touch(cm, len);
    while (len) {
        const uint8_t *p;
        enum lmi_status st = LMI_NOT_MAPPED;
        uint64_t n = span(cm, addr, &p, &st);
        if (n == 0) {
            f->status = st;
            f->addr = addr;
            return -1;
        }
        if (n > len)
            n = len;
        memcpy(out, p, n);
        out += n;
        addr += n;
        len -= n;
    }
    return 0;
}

int cm_read_file(struct coremem *cm, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    const struct cm_fallback *fb = find_fb(cm, addr);
    if (fb == NULL || len > fb->len - (addr - fb->vaddr)) {
        f->status = LMI_NOT_MAPPED;
        f->addr = addr;
        return -1;
    }
    memcpy(buf, fb->data + (addr - fb->vaddr), len);
    return 0;
}

const uint8_t *cm_get(struct coremem *cm, uint64_t addr, size_t len, uint8_t *scratch,
                      struct lmi_fault *f)
{
    const uint8_t *p;
    enum lmi_status st = LMI_NOT_MAPPED;
    if (len && addr + len - 1 >= addr && core_span(cm, addr, &p, &st) >= len) {
        note_touch(cm, len);
        return p;
    }
    return cm_read(cm, addr, scratch, len, f) == 0 ? scratch : NULL;
}

uint64_t cm_next_readable(const struct coremem *cm, uint64_t addr)
{
    uint64_t best = UINT64_MAX;
    for (size_t i = 0; i < cm->nseg; i++) {
        const struct cm_segment *s = &cm->seg[i];
        uint64_t saved = s->filesz;
        if (s->offset >= cm->size)
            saved = 0;
        else if (saved > cm->size - s->offset)
            saved = cm->size - s->offset;
        if (saved == 0)
            continue;
        uint64_t lo = s->vaddr, hi = s->vaddr + saved; /* [lo, hi) */
        if (addr < hi) {
            uint64_t c = addr > lo ? addr : lo;
            if (c < best)
                best = c;
        }
    }
    for (size_t i = 0; i < cm->nfb; i++) {
        uint64_t lo = cm->fb[i].vaddr, hi = lo + cm->fb[i].len;
        if (addr < hi) {
            uint64_t c = addr > lo ? addr : lo;
            if (c < best)
                best = c;
        }
    }
    return best;
}

int cm_is_mapped(const struct coremem *cm, uint64_t addr, uint64_t len)
{
    while (len) {
        const struct cm_segment *s = find_seg(cm, addr);
        if (s == NULL)
            return 0;
        uint64_t n = s->memsz - (addr - s->vaddr);
        if (n >= len)
            return 1;
        addr += n;
        len -= n;
    }
    return 1;
}

/* The inspector's bulk read (lmi_mem_ops.read_span): what the core file
 * holds contiguously from addr, read with pread. Measured on a 10M-entry
 * map (docs/performance.md): pread into one buffer beats faulting the
 * mapping in page by page, and beats madvise(MADV_POPULATE_READ) windows;
 * the copy is as cheap as cat's. */
static size_t core_read_span(void *ctx, uint64_t addr, void *buf, size_t max)
{
    struct coremem *cm = ctx;
    const uint8_t *p;
    enum lmi_status st;
    uint64_t n = core_span(cm, addr, &p, &st);
    if (n == 0)
        return 0;
    if (n > max)
        n = max;
    uint64_t off = (uint64_t)(p - cm->map);
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(cm->fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static int core_read(void *ctx, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    return cm_read(ctx, addr, buf, len, f);
}

static int core_read_file(void *ctx, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    return cm_read_file(ctx, addr, buf, len, f);
}

static const uint8_t *core_get(void *ctx, uint64_t addr, size_t len, uint8_t *scratch,
                               struct lmi_fault *f)
{
    return cm_get(ctx, addr, len, scratch, f);
}

static uint64_t core_next_readable(void *ctx, uint64_t addr)
{
    return cm_next_readable(ctx, addr);
}

static const struct lmi_mem_ops core_ops = {
    .read = core_read,
    .get = core_get,
    .read_span = core_read_span,
    .next_readable = core_next_readable,
    .read_file = core_read_file,
};

static void init_mem(struct coremem *cm)
{
    cm->mem.ops = &core_ops;
    cm->mem.ctx = cm;
    cm->mem.big_endian = cm->big_endian;
    cm->mem.ptr = cm->elfclass == ELFCLASS32 ? 4 : 8;
    cm->mem.extent = cm->size;
}
