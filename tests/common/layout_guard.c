/*
 * layout_guard.c — compiled into every test program that reads libmap's
 * internals (libmap/src/internal.h) while linking a shared libmap. Before
 * main, it checks that the libmap.so the dynamic loader picked has the
 * layout this program was compiled for: a caller's LD_LIBRARY_PATH, or an
 * installed libmap of another build, would otherwise hand the program a
 * library whose structures differ from the ones it reads, and it would
 * spin or crash far from the cause. On a mismatch it prints one line naming
 * the library it got and exits 2.
 *
 * Compiled as part of each program (not a library), so that it sees the
 * same LIBMAP_LAYOUT_TEST_PAD as the program and its libmap.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr */
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

static const char *loaded_libmap_path(void)
{
    /* A function, not libmap_layout: the data object may be a copy
     * relocated into the executable. */
    Dl_info info;
    if (dladdr((void *)libmap_new, &info) != 0 && info.dli_fname != NULL)
        return info.dli_fname;
    return "(unknown)";
}

__attribute__((constructor)) static void libmap_test_layout_guard(void)
{
    const struct libmap_layout *L = &libmap_layout;
    const char *what = NULL;
    unsigned got = 0, want = 0;
    if (L->magic != LIBMAP_LAYOUT_MAGIC || L->version != LIBMAP_LAYOUT_VERSION)
        what = "layout descriptor version", got = L->version, want = LIBMAP_LAYOUT_VERSION;
    else if (L->size != sizeof(struct libmap_layout))
        what = "layout descriptor size", got = L->size, want = sizeof(struct libmap_layout);
    else if (L->map_size != sizeof(struct libmap))
        what = "struct libmap size", got = L->map_size, want = sizeof(struct libmap);
    else if (L->map_writer != offsetof(struct libmap, writer))
        what = "writer word offset", got = L->map_writer,
        want = offsetof(struct libmap, writer);
    else if (L->type_key_offset != offsetof(struct libmap_type, key_offset))
        what = "type descriptor layout", got = L->type_key_offset,
        want = offsetof(struct libmap_type, key_offset);
    if (what == NULL)
        return;
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    fprintf(stderr,
            "%s: the libmap loaded (%s) is not the one this test was built with: %s %u, "
            "expected %u (LD_PRELOAD or LD_LIBRARY_PATH naming another libmap?)\n",
            n > 0 ? exe : "test", loaded_libmap_path(), what, got, want);
    fflush(stderr);
    _exit(2);
}
