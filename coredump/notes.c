/*
 * notes.c — parse the core's NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO and NT_AUXV notes
 * (see notes.h). The note structures are the kernel's for the host
 * architecture; for a core of another architecture only the signal from
 * NT_SIGINFO (whose first word is the signal number everywhere) is used.
 */
#include "notes.h"

#include <elf.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>

static int host_machine(const struct coremem *cm)
{
#if defined(__x86_64__)
    return cm->machine == EM_X86_64 && cm->elfclass == ELFCLASS64;
#elif defined(__aarch64__)
    return cm->machine == EM_AARCH64 && cm->elfclass == ELFCLASS64;
#else
    (void)cm;
    return 0;
#endif
}

static void copy_str(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t n = strnlen(src, srclen);
    if (n >= dstlen)
        n = dstlen - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] == 0x7f)
            dst[i] = ' ';
}

/* NT_FILE: count, page size, count x (start, end, page offset), then the
 * count paths, NUL-terminated. Words are the core's pointer size. */
static void read_nt_file(struct coremem *cm, struct core_notes *n, const uint8_t *desc,
                         size_t size)
{
    unsigned w = cm->elfclass == ELFCLASS64 ? 8 : 4;
    if (n->files != NULL || size < 2 * (size_t)w)
        return;
    uint64_t count = cm_uint(cm, desc, w), page = cm_uint(cm, desc + w, w);
    if (count == 0 || count > 65536 || (size - 2 * w) / (3 * w) < count)
        return;
    const char *names = (const char *)desc + 2 * w + 3 * w * count;
    size_t names_len = size - (2 * w + 3 * w * count);
    n->file_names = malloc(names_len + 1);
    n->files = calloc(count, sizeof *n->files);
    if (n->file_names == NULL || n->files == NULL) {
        notes_free(n);
        return;
    }
    memcpy(n->file_names, names, names_len);
    n->file_names[names_len] = 0;
    const char *name = n->file_names, *end = n->file_names + names_len;
    for (uint64_t i = 0; i < count && name < end; i++) {
        const uint8_t *e = desc + 2 * w + 3 * w * i;
        struct core_file *f = &n->files[n->nfiles++];
        f->start = cm_uint(cm, e, w);
        f->end = cm_uint(cm, e + w, w);
        f->offset = cm_uint(cm, e + 2 * w, w) * page;
        f->path = name;
        name += strlen(name) + 1;
    }
}

void notes_free(struct core_notes *n)
{
    free(n->files);
    free(n->file_names);
    n->files = NULL;
    n->file_names = NULL;
    n->nfiles = 0;
}

static void one_note(struct coremem *cm, struct core_notes *n, const GElf_Nhdr *nh,
                     const char *name, const uint8_t *desc)
{
    if (nh->n_namesz < 5 || strncmp(name, "CORE", 4) != 0)
        return;
    int host = host_machine(cm);
    switch (nh->n_type) {
    case NT_PRPSINFO:
        if (host && nh->n_descsz >= sizeof(struct elf_prpsinfo)) {
            struct elf_prpsinfo ps;
            memcpy(&ps, desc, sizeof ps);
            copy_str(n->fname, sizeof n->fname, ps.pr_fname, sizeof ps.pr_fname);
            copy_str(n->psargs, sizeof n->psargs, ps.pr_psargs, sizeof ps.pr_psargs);
            n->pid = ps.pr_pid;
            n->have_psinfo = 1;
        }
        break;
    case NT_PRSTATUS:
        if (host && nh->n_descsz >= sizeof(struct elf_prstatus)) {
            struct elf_prstatus st;
            memcpy(&st, desc, sizeof st);
            if (n->ntids < NOTES_MAX_THREADS)
                n->tids[n->ntids++] = st.pr_pid;
            if (n->signo == 0)
                n->signo = st.pr_cursig;
        }
        break;
    case NT_AUXV:
        /* pairs of words: type, value; AT_ENTRY locates the executable */
        if (cm->elfclass == ELFCLASS64)
            for (size_t off = 0; off + 16 <= nh->n_descsz; off += 16)
                if (cm_uint(cm, desc + off, 8) == AT_ENTRY)
                    n->entry = cm_uint(cm, desc + off + 8, 8);
        break;
    case NT_FILE:
        read_nt_file(cm, n, desc, nh->n_descsz);
        break;
    case NT_SIGINFO:
        if (nh->n_descsz >= 4 && n->signo == 0)
            n->signo = (int)(int32_t)cm_uint(cm, desc, 4);
        break;
    default:
        break;
    }
}

void notes_read(struct coremem *cm, struct core_notes *n)
{
    memset(n, 0, sizeof *n);
    size_t phnum;
    if (elf_getphdrnum(cm->elf, &phnum) != 0)
        return;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(cm->elf, (int)i, &ph) == NULL || ph.p_type != PT_NOTE)
            continue;
        if (ph.p_offset >= cm->size || ph.p_filesz > cm->size - ph.p_offset) {
            n->damaged = 1;
            continue;
        }
        Elf_Data *d = elf_getdata_rawchunk(cm->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
        if (d == NULL) {
            n->damaged = 1;
            continue;
        }
        size_t off = 0;
        GElf_Nhdr nh;
        size_t name_off, desc_off;
        while (off < d->d_size) {
            size_t next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
            if (next == 0 || next <= off) {
                n->damaged = 1;
                break;
            }
            if (name_off + nh.n_namesz <= d->d_size && desc_off + nh.n_descsz <= d->d_size) {
                n->notes_seen++;
                one_note(cm, n, &nh, (const char *)d->d_buf + name_off,
                         (const uint8_t *)d->d_buf + desc_off);
            }
            off = next;
        }
    }
}
