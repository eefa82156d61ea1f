/*
 * mem.c — the parts of the inspector's memory reader (mem.h) that every
 * target shares: reads through the optional fast paths or the plain read
 * callback, the chunked stream over bucket arrays, byte order, and the
 * names of read failures.
 */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* Bytes per stream refill: large enough that one reader call serves
 * thousands of buckets (for gdb, one read_memory), small enough to bound
 * memory per verifying thread. */
#define LMI_STREAM_CHUNK ((size_t)4 << 20)
/* The step of lmi_next_readable when the reader cannot say. */
#define LMI_PAGE ((uint64_t)4096)

int lmi_read_file(struct lmi_mem *m, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    if (m->ops->read_file == NULL) {
        f->status = LMI_NOT_MAPPED;
        f->addr = addr;
        return -1;
    }
    return m->ops->read_file(m->ctx, addr, buf, len, f);
}

const uint8_t *lmi_get(struct lmi_mem *m, uint64_t addr, size_t len, uint8_t *scratch,
                       struct lmi_fault *f)
{
    if (m->ops->get != NULL)
        return m->ops->get(m->ctx, addr, len, scratch, f);
    return lmi_read(m, addr, scratch, len, f) == 0 ? scratch : NULL;
}

uint64_t lmi_next_readable(struct lmi_mem *m, uint64_t addr)
{
    if (m->ops->next_readable != NULL)
        return m->ops->next_readable(m->ctx, addr);
    /* try the next page */
    uint64_t next = (addr | (LMI_PAGE - 1)) + 1;
    return next > addr ? next : UINT64_MAX;
}

uint64_t lmi_uint_slow(const struct lmi_mem *m, const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    if (width > 8)
        width = 8;
    if (m->big_endian)
        for (unsigned i = 0; i < width; i++)
            v = (v << 8) | p[i];
    else
        for (unsigned i = width; i-- > 0;)
            v = (v << 8) | p[i];
    return v;
}

const char *lmi_status_str(enum lmi_status s)
{
    switch (s) {
    case LMI_OK:
        return "readable";
    case LMI_NOT_MAPPED:
        return "not mapped in the process";
    case LMI_NOT_SAVED:
        return "not saved in the core";
    case LMI_TRUNCATED:
        return "past the end of the truncated core";
    case LMI_UNREADABLE:
        return "unreadable";
    }
    return "unreadable";
}

void lmi_stream_init(struct lmi_stream *s, struct lmi_mem *mem)
{
    memset(s, 0, sizeof *s);
    s->mem = mem;
}

void lmi_stream_free(struct lmi_stream *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}

/* Without a span reader: the whole chunk, else halves down to 64 KiB (an
 * array whose end runs into unreadable memory). */
static size_t read_span_by_halves(struct lmi_mem *m, uint64_t addr, uint8_t *buf, size_t max)
{
    struct lmi_fault f;
    for (size_t n = max; n >= ((size_t)64 << 10); n /= 2)
        if (lmi_read(m, addr, buf, n, &f) == 0)
            return n;
    return 0;
}

/* Fill the window from addr with what the target holds contiguously. */
static int stream_fill(struct lmi_stream *s, uint64_t addr)
{
    size_t max = LMI_STREAM_CHUNK;
    if (addr + max - 1 < addr)
        max = (size_t)(UINT64_MAX - addr) + 1;
    if (s->end > addr && s->end - addr < max)
        max = (size_t)(s->end - addr);
    /* the buffer grows to what the walk needs: a lookup's one bucket does
     * not pay for a 4 MiB buffer */
    if (s->cap < max) {
        uint8_t *nb = realloc(s->buf, max);
        if (nb == NULL)
            return -1;
        s->buf = nb;
        s->cap = max;
    }
    size_t got = s->mem->ops->read_span != NULL
                     ? s->mem->ops->read_span(s->mem->ctx, addr, s->buf, max)
                     : read_span_by_halves(s->mem, addr, s->buf, max);
    s->win_addr = addr;
    s->win_len = got;
    return got ? 0 : -1;
}

const uint8_t *lmi_stream_get(struct lmi_stream *s, uint64_t addr, size_t len, uint8_t *scratch,
                              struct lmi_fault *f)
{
    if (addr - s->win_addr < s->win_len && len <= s->win_len - (addr - s->win_addr))
        return s->buf + (addr - s->win_addr);
    if (len <= LMI_STREAM_CHUNK / 2 && stream_fill(s, addr) == 0 && len <= s->win_len)
        return s->buf;
    return lmi_get(s->mem, addr, len, scratch, f);
}
