/*
 * metacheck.c — checks that a CTF trace's packetized metadata file is
 * whole before babeltrace2 reads it: babeltrace2 2.0.4's ctf plugin loops
 * forever on a metadata packet cut short. Each packet starts with a header
 * (CTF 1.8, "Metadata"): magic 0x75d11d57, uuid[16], checksum, content_size
 * and packet_size in bits (u32 each, in the tracer's byte order, which the
 * magic reveals), then 5 bytes. Every packet must lie within the file, and
 * its content within the packet. A plain-text metadata file is not checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "viewer.h"

#define MAGIC 0x75d11d57u
#define HDR 37

static uint32_t get32(const unsigned char *p, bool swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

int tl_check_metadata(const char *path, char *why, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, len, "cannot open %s", path);
        return -1;
    }
    unsigned char h[HDR];
    long off = 0;
    int r = 0;
    for (;;) {
        size_t n = fread(h, 1, HDR, f);
        if (n == 0)
            break;
        uint32_t magic = get32(h, false);
        bool swap = magic == __builtin_bswap32(MAGIC);
        if (magic != MAGIC && !swap) {
            if (off == 0)
                break; /* plain-text metadata */
            snprintf(why, len, "%s: bad metadata packet at byte %ld", path, off);
            r = -1;
            break;
        }
        uint32_t content = get32(h + 24, swap), packet = get32(h + 28, swap);
        if (n < HDR || packet < HDR * 8 || content > packet || packet % 8) {
            snprintf(why, len, "%s: metadata packet at byte %ld is cut short or invalid", path, off);
            r = -1;
            break;
        }
        off += packet / 8;
        if (fseek(f, off, SEEK_SET) != 0) {
            r = -1;
            break;
        }
        /* a packet reaching past the end of the file: truncated */
        int c = fgetc(f);
        if (c == EOF) {
            long end = ftell(f);
            fseek(f, 0, SEEK_END);
            end = ftell(f);
            if (end < off) {
                snprintf(why, len, "%s is truncated (metadata packet ends at byte %ld, file "
                         "has %ld)", path, off, end);
                r = -1;
            }
            break;
        }
        ungetc(c, f);
    }
    fclose(f);
    return r;
}
