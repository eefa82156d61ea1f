/*
 * note.c — lmi_note_decode: libmap's ELF debug note (LIBMAP_NOTE_TYPE in
 * libmap/debug.h) found among the notes of a section or segment image and
 * its self-relative offsets turned into addresses. libmap-coredump hands
 * it the PT_NOTE segments of each module's file, the gdb scripts the
 * .note.libmap section read from the inferior.
 */
#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <string.h>

/* An ELF note record: namesz, descsz and type (4 bytes each, in the
 * target's byte order), then the name and the descriptor, each padded to
 * 4 bytes. */
#define NOTE_HEADER 12
#define ALIGN4(n) (((n) + 3) & ~(uint64_t)3)
/* The descriptor (debug.h): uint32 version, uint32 0, then three int64
 * offsets, each relative to its own address. */
#define NOTE_DESC 32
#define NOTE_OFFSETS 8

static uint64_t get_uint(const uint8_t *p, unsigned n, int big_endian)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[big_endian ? n - 1 - i : i] << (8 * i);
    return v;
}

int lmi_note_decode(const void *bytes, size_t len, uint64_t addr, int big_endian,
                    struct lmi_note_addrs *out)
{
    const uint8_t *b = bytes;
    memset(out, 0, sizeof *out);
    /* 64-bit positions: namesz and descsz are 32-bit, so nothing wraps */
    for (uint64_t off = 0; off + NOTE_HEADER <= len;) {
        uint64_t namesz = get_uint(b + off, 4, big_endian);
        uint64_t descsz = get_uint(b + off + 4, 4, big_endian);
        uint64_t type = get_uint(b + off + 8, 4, big_endian);
        uint64_t name_at = off + NOTE_HEADER;
        uint64_t desc_at = name_at + ALIGN4(namesz);
        if (desc_at + descsz > len)
            break; /* the record runs past the image: nothing after it is a note */
        if (type == LIBMAP_NOTE_TYPE && namesz == sizeof LIBMAP_NOTE_NAME &&
            memcmp(b + name_at, LIBMAP_NOTE_NAME, sizeof LIBMAP_NOTE_NAME) == 0 &&
            descsz >= NOTE_DESC && get_uint(b + desc_at, 4, big_endian) == LIBMAP_NOTE_VERSION) {
            uint64_t *dst[3] = {&out->layout, &out->panic_record, &out->registry};
            for (unsigned k = 0; k < 3; k++) {
                uint64_t at = desc_at + NOTE_OFFSETS + 8 * (uint64_t)k;
                /* a signed offset: adding it modulo 2^64 is the same */
                *dst[k] = addr + at + get_uint(b + at, 8, big_endian);
            }
            out->version = LIBMAP_NOTE_VERSION;
            return 1;
        }
        off = desc_at + ALIGN4(descsz);
    }
    return 0;
}
