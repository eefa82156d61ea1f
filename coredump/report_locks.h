/*
 * report_locks.h — the safe maps' locks in the reports (report_locks.c).
 */
#ifndef LIBMAP_COREDUMP_REPORT_LOCKS_H
#define LIBMAP_COREDUMP_REPORT_LOCKS_H

#include <stdio.h>

#include "analysis.h"
#include "json.h"

/* "write lock held by thread N; 2 readers; a writer waits", or "free". */
void lock_state_str(const struct lm_guard *g, char *buf, size_t n);
/* "libmap_shard 0x... shard 2 of 4", "libmap_sync 0x...". */
void guard_describe(const struct lm_guard *g, char *buf, size_t n);
/* The role of thread tid when it holds a safe map's write lock: base (may
 * be NULL), then "holds the write lock of libmap_shard 0x... shard 2 of 4"
 * in buf. Returns 0 (buf untouched) when it holds none. */
int lock_role(const struct analysis *a, int32_t tid, const char *base, char *buf, size_t n);
/* Text: the locks some thread held or waited for when the process died. */
void section_locks(struct analysis *a, FILE *o);
/* Indexes into a->all of the maps a readable lock guards, sorted by parent
 * then shard (*out malloc'd). Returns how many. */
size_t guarded_maps_sorted(struct analysis *a, size_t **out);
/* JSON: the member "guard" (null for a plain map). */
void guard_json(struct json *j, const struct lm_guard *g);

#endif
