/*
 * buildid.h — check that the executable given is the one that dumped the
 * core, by build ID (see buildid.c).
 */
#ifndef LIBMAP_COREDUMP_BUILDID_H
#define LIBMAP_COREDUMP_BUILDID_H

#include <stddef.h>

#include "analysis.h"

/* The hex build ID of the ELF file at path into buf ("" if it has none).
 * Returns 0, or -1 with err set (cannot open, not ELF). */
int file_build_id(const char *path, char *buf, size_t len, char *err, size_t errlen);

/* Compare the build ID of a->opt->exe with the core's executable. On a
 * mismatch: -1 with a->fatal set, unless force (then a warning and
 * a->build_id_mismatch). Warns about libraries replaced on disk. */
int check_build_ids(struct analysis *a, int force);

#endif
