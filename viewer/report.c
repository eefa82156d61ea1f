/*
 * report.c — the race report and the summary (with contention: the safe
 * maps' lock waits per shard), as text.
 *
 * Race report: for every panic (one per process), the map, both threads
 * and both operations with their times, the overlap and the message (or
 * why the writer's operation has no event); then (or, without a panic,
 * only) every other overlapping write pair, up to MAX_LISTED. A trace of
 * several processes says so first.
 */
#include <inttypes.h>
#include <string.h>

#include "export.h"
#include "viewer.h"

#define MAX_LISTED 20

static const struct tl_thread *thr(const struct tl_model *m, uint32_t i)
{
    return TL_AT(m->threads, struct tl_thread, i);
}

static void print_op(FILE *out, const struct tl_model *m, const char *role, const struct tl_op *op)
{
    char b1[32], b2[32], b3[32];
    const struct tl_thread *t = thr(m, op->thread);
    fprintf(out, "  %-13s tid %d (%s)  %-7s ", role, t->vtid, t->procname[0] ? t->procname : "?",
            tl_kind_name(op->kind));
    if (op->flags & TL_OP_SYNTH)
        fprintf(out, "at %s (no event: refused on entry by the check)\n",
                tl_fmt_ts(op->end, b1));
    else
        fprintf(out, "%s .. %s (%s)\n", tl_fmt_ts(op->start, b1), tl_fmt_ts(op->end, b2),
                tl_fmt_dur(op->end - op->start, b3));
}

/* The writer side of a panic whose colliding write has no event. */
static void print_writer_without_event(FILE *out, const struct tl_model *m,
                                       const struct tl_panic *p)
{
    if (p->writer_verdict == TL_WRITER_UNKNOWN) {
        fprintf(out, "  %-13s unknown (the panic names no writer thread)\n", "other writer");
        return;
    }
    const char *name = "?";
    for (size_t i = 0; i < m->threads.len; i++) {
        const struct tl_thread *t = thr(m, (uint32_t)i);
        if (t->vtid == p->writer_tid && t->vpid == thr(m, p->thread)->vpid && t->procname[0])
            name = t->procname;
    }
    fprintf(out, "  %-13s tid %d (%s)  %-7s no event: %s\n", "other writer", p->writer_tid, name,
            tl_kind_name(p->writer_op),
            p->writer_verdict == TL_WRITER_UNFINISHED
                ? "its write had not finished when the panic was reported"
                : "the trace holds none of its writes of this kind before the check");
}

static void print_overlap(FILE *out, const struct tl_race *r, const struct tl_panic *p)
{
    char b1[32], b2[32], b3[32];
    if (r->overlap_end >= r->overlap_start)
        fprintf(out, "  %-13s %s .. %s (%s)\n", "overlap", tl_fmt_ts(r->overlap_start, b1),
                tl_fmt_ts(r->overlap_end, b2), tl_fmt_dur(r->overlap_end - r->overlap_start, b3));
    else if (p && p->writer_held)
        fprintf(out, "  %-13s none in the trace: the writer's event came %s before the check, "
                "and it still held the map (descheduled before releasing it)\n", "overlap",
                tl_fmt_dur(r->overlap_start - r->overlap_end, b3));
    else
        fprintf(out, "  %-13s none in the trace (the writer had just finished, %s before)\n",
                "overlap", tl_fmt_dur(r->overlap_start - r->overlap_end, b3));
}

/* The race record of panic p's pair, or NULL. */
static const struct tl_race *panic_race(const struct tl_model *m, const struct tl_panic *p)
{
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if (r->from_panic && ((r->a == p->det_op && r->b == p->writer_op_idx) ||
                              (r->b == p->det_op && r->a == p->writer_op_idx)))
            return r;
    }
    return NULL;
}

static void print_panic(FILE *out, const struct tl_model *m, const struct tl_panic *p,
                        const char *hi, const char *lo)
{
    char lab[32], b1[32];
    const struct tl_map *mp = TL_AT(m->maps, struct tl_map, p->map);
    const struct tl_thread *dt = thr(m, p->thread);
    fprintf(out, "%sRACE on map %s (pid %d): %s%s\n", hi, tl_map_label(mp, lab), mp->vpid,
            p->message, lo);
    if (p->det_op != TL_NONE)
        print_op(out, m, "detected by", TL_AT(m->ops, struct tl_op, p->det_op));
    if (p->writer_op_idx != TL_NONE)
        print_op(out, m, "other writer", TL_AT(m->ops, struct tl_op, p->writer_op_idx));
    else
        print_writer_without_event(out, m, p);
    const struct tl_race *r = panic_race(m, p);
    if (r)
        print_overlap(out, r, p);
    fprintf(out, "  %-13s %s on tid %d (%s): %s %s, writer tid %d %s (%s)\n", "panic",
            tl_fmt_ts(p->ts, b1), p->tid, dt->procname, tl_kind_name(p->op),
            p->kind == LIBMAP_PANIC_CONCURRENT_WRITES ? "vs write" : "during a write", p->writer_tid,
            tl_kind_name(p->writer_op), p->writer_held ? "still writing" : "just finished");
}

/* Processes with libmap events in the model. */
static size_t nprocesses(const struct tl_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->threads.len; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = thr(m, (uint32_t)j)->vpid == thr(m, (uint32_t)i)->vpid;
        n += !seen;
    }
    return n;
}

static bool race_in_view(const struct tl_model *m, const struct tl_view *v, const struct tl_race *r)
{
    return v->map == TL_NONE || TL_AT(m->ops, struct tl_op, r->a)->map == v->map;
}

void tl_print_races(FILE *out, const struct tl_model *m, const struct tl_view *v, bool color)
{
    const char *hi = color ? "\033[1;31m" : "", *lo = color ? "\033[0m" : "";
    char lab[32];
    bool panic_here = false;
    size_t np = nprocesses(m);
    if (np > 1)
        fprintf(out, "%zu processes in the trace, %zu panic%s (--pid PID shows one)\n", np,
                m->panics.len, m->panics.len == 1 ? "" : "s");
    for (size_t i = 0; i < m->panics.len; i++) {
        const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (v->map != TL_NONE && v->map != p->map)
            continue;
        print_panic(out, m, p, hi, lo);
        panic_here = true;
    }
    uint64_t nother = 0, listed = 0;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if (!r->from_panic && race_in_view(m, v, r))
            nother++;
    }
    if (v->map == TL_NONE)
        nother += m->nraces - m->races.len; /* found but not kept */
    if (!nother) {
        if (!panic_here)
            fprintf(out, "No race: no panic and no overlapping writes from different threads.\n");
        return;
    }
    fprintf(out, "%s%" PRIu64 " overlapping write pair%s from different threads%s%s\n",
            panic_here ? "" : hi, nother, nother == 1 ? "" : "s",
            panic_here ? " (besides the panic's)" : " (races the fail-fast check did not catch)",
            panic_here ? "" : lo);
    for (size_t i = 0; i < m->races.len && listed < MAX_LISTED; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if (r->from_panic || !race_in_view(m, v, r))
            continue;
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, r->a);
        fprintf(out, "%s#%" PRIu64 " map %s (pid %d)\n", listed ? "" : "", listed + 1,
                tl_map_label(TL_AT(m->maps, struct tl_map, a->map), lab),
                TL_AT(m->maps, struct tl_map, a->map)->vpid);
        print_op(out, m, "first", a);
        print_op(out, m, "second", TL_AT(m->ops, struct tl_op, r->b));
        print_overlap(out, r, NULL);
        listed++;
    }
    if (nother > listed)
        fprintf(out, "... and %" PRIu64 " more (--json lists up to %d)\n", nother - listed,
                TL_RACES_KEPT);
}

void tl_print_discarded_warning(FILE *err, const struct tl_model *m)
{
    if (m->discarded_events || m->discarded_packets)
        fprintf(err, TL_PROG ": warning: the trace lost %" PRIu64 " events and %" PRIu64
                " packets (tracer buffers full): operations may be missing\n",
                m->discarded_events, m->discarded_packets);
}

static uint64_t writes(const uint64_t *nops)
{
    return nops[TL_ASSIGN] + nops[TL_DELETE] + nops[TL_CLEAR];
}

static void print_counts(FILE *out, const uint64_t *nops)
{
    for (int k = 1; k < TL_NKINDS; k++)
        if (nops[k])
            fprintf(out, " %s %" PRIu64, tl_kind_name(k), nops[k]);
    fputc('\n', out);
}

static const char *panics_word(const struct tl_model *m, char buf[32])
{
    if (m->panics.len <= 1)
        return m->panics.len ? "panic" : "no panic";
    snprintf(buf, 32, "%zu panics", m->panics.len);
    return buf;
}

/* One line of wait statistics: count, total, max, then read and write. */
static void print_waits(FILE *out, const struct tl_wait_stats *st)
{
    char b1[32], b2[32];
    fprintf(out, "%" PRIu64 " waits, total %s, max %s;", st->n,
            tl_fmt_dur((int64_t)st->total_ns, b1), tl_fmt_dur((int64_t)st->max_ns, b2));
    static const char *const modes[2] = {"read", "write"};
    for (int md = 0; md < 2; md++)
        fprintf(out, " %s %" PRIu64 " (total %s, max %s)", modes[md], st->n_mode[md],
                tl_fmt_dur((int64_t)st->total_mode[md], b1),
                tl_fmt_dur((int64_t)st->max_mode[md], b2));
    fputc('\n', out);
}

/* Contention: per safe map (libmap_sync, libmap_shard) its lock waits, and
 * per shard that waited. */
static void print_contention(FILE *out, const struct tl_model *m)
{
    if (!m->locks.len)
        return;
    fprintf(out, "\nlock waits (safe map pid kind: waits, total, max; by mode), per shard "
            "with its inner map\n");
    for (size_t i = 0; i < m->locks.len; i++) {
        const struct tl_lock *l = TL_AT(m->locks, struct tl_lock, i);
        fprintf(out, "  0x%-16" PRIx64 " %7d %-5s: ", l->addr, l->vpid, tl_lock_kind_name(l->kind));
        print_waits(out, &l->st);
        for (size_t s = 0; s < l->shards.len; s++) {
            const struct tl_shard_waits *sw = TL_AT(l->shards, struct tl_shard_waits, s);
            if (!sw->st.n)
                continue;
            char lab[32] = "?";
            if (sw->map < m->maps.len)
                tl_map_label(TL_AT(m->maps, struct tl_map, sw->map), lab);
            fprintf(out, "    shard %-5zu %-18s ", s, lab);
            print_waits(out, &sw->st);
        }
        if (l->nbad_shards)
            fprintf(out, "    %" PRIu64 " waits name a shard out of range\n", l->nbad_shards);
    }
}

void tl_print_summary(FILE *out, const struct tl_model *m, bool full)
{
    uint64_t tot[TL_NKINDS] = {0}, ngrows = 0, nsame = 0;
    for (size_t i = 0; i < m->maps.len; i++) {
        const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
        for (int k = 0; k < TL_NKINDS; k++)
            tot[k] += mp->nops[k];
        ngrows += mp->ngrows;
        nsame += mp->nsame_size_grows;
    }
    char b1[32], b2[32];
    uint64_t nraces = m->nraces;
    fprintf(out, "summary: %" PRIu64 " libmap events over %s, %zu thread%s, %zu map%s, %" PRIu64
            " writes, %" PRIu64 " grows (%" PRIu64 " same-size), %" PRIu64
            " evacuations, %s, %" PRIu64 " race%s, %" PRIu64 " discarded events\n",
            m->nevents, tl_fmt_dur(m->last_ts - m->first_ts, b1), m->threads.len,
            m->threads.len == 1 ? "" : "s", m->maps.len, m->maps.len == 1 ? "" : "s",
            writes(tot), ngrows, nsame, m->nevacuations,
            panics_word(m, b2), nraces, nraces == 1 ? "" : "s",
            m->discarded_events);
    if (m->nwaits) {
        uint64_t total = 0;
        for (size_t i = 0; i < m->locks.len; i++)
            total += TL_AT(m->locks, struct tl_lock, i)->st.total_ns;
        fprintf(out, "contention: %" PRIu64 " lock waits on %zu safe map%s, %s waited in all\n",
                m->nwaits, m->locks.len, m->locks.len == 1 ? "" : "s",
                tl_fmt_dur((int64_t)total, b1));
    }
    if (!full)
        return;
    fprintf(out, "\nthreads (pid tid procname: operations)\n");
    for (size_t i = 0; i < m->threads.len; i++) {
        const struct tl_thread *t = thr(m, (uint32_t)i);
        fprintf(out, "  %7d %7d %-16s", t->vpid, t->vtid, t->procname);
        print_counts(out, t->nops);
    }
    fprintf(out, "\nmaps (address pid: grows, evacuations, entries at last write; operations)\n");
    for (size_t i = 0; i < m->maps.len; i++) {
        const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
        char lab[32];
        fprintf(out, "  %-18s %7d: %u grows (%u same-size), %" PRIu64 " evacuations, %" PRIu64
                " entries, B=%u%s;", tl_map_label(mp, lab), mp->vpid, mp->ngrows,
                mp->nsame_size_grows, mp->nevacuations, mp->last_count, mp->last_B,
                mp->freed ? ", freed" : "");
        print_counts(out, mp->nops);
    }
    print_contention(out, m);
    fprintf(out, "\nwrite latency (ns)   count        min       p50       p90       p99       max\n");
    for (int k = TL_ASSIGN; k <= TL_CLEAR; k++) {
        const struct tl_latency *l = &m->latency[k];
        fprintf(out, "  %-16s %9" PRIu64 " %10" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64
                " %9" PRId64 "\n", tl_kind_name(k), l->n, l->min, l->p50, l->p90, l->p99, l->max);
    }
    if (m->discarded_events || m->discarded_packets)
        fprintf(out, "\ndiscarded: %" PRIu64 " events, %" PRIu64 " packets\n",
                m->discarded_events, m->discarded_packets);
}
