/*
 * report.c — the race report and the summary, as text.
 *
 * Race report: for a panic, the map, both threads and both operations with
 * their times, the overlap and the message; then (or, without a panic,
 * only) every other overlapping write pair, up to MAX_LISTED.
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
    if ((op->flags & TL_OP_SYNTH) && op->start < op->end)
        fprintf(out, "checked in %s .. %s (no event: %s)\n", tl_fmt_ts(op->start, b1),
                tl_fmt_ts(op->end, b2),
                op->thread == m->panic.thread ? "refused on entry by the check"
                                              : "its write had not completed at the abort");
    else if (op->flags & TL_OP_SYNTH)
        fprintf(out, "at %s (no event: %s)\n", tl_fmt_ts(op->end, b1),
                op->thread == m->panic.thread ? "refused on entry by the check"
                                              : "its write had not completed at the abort");
    else
        fprintf(out, "%s .. %s (%s)\n", tl_fmt_ts(op->start, b1), tl_fmt_ts(op->end, b2),
                tl_fmt_dur(op->end - op->start, b3));
}

static void print_overlap(FILE *out, const struct tl_race *r)
{
    char b1[32], b2[32], b3[32];
    if (r->overlap_end >= r->overlap_start)
        fprintf(out, "  %-13s %s .. %s (%s)\n", "overlap", tl_fmt_ts(r->overlap_start, b1),
                tl_fmt_ts(r->overlap_end, b2), tl_fmt_dur(r->overlap_end - r->overlap_start, b3));
    else
        fprintf(out, "  %-13s none in the trace (the writer had just finished, %s before)\n",
                "overlap", tl_fmt_dur(r->overlap_start - r->overlap_end, b3));
}

static bool race_in_view(const struct tl_model *m, const struct tl_view *v, const struct tl_race *r)
{
    return v->map == TL_NONE || TL_AT(m->ops, struct tl_op, r->a)->map == v->map;
}

void tl_print_races(FILE *out, const struct tl_model *m, const struct tl_view *v, bool color)
{
    const char *hi = color ? "\033[1;31m" : "", *lo = color ? "\033[0m" : "";
    const struct tl_panic *p = &m->panic;
    char lab[32], b1[32];
    bool panic_here = p->present && (v->map == TL_NONE || v->map == p->map);
    if (panic_here) {
        const struct tl_map *mp = TL_AT(m->maps, struct tl_map, p->map);
        const struct tl_thread *dt = thr(m, p->thread);
        fprintf(out, "%sRACE on map %s (pid %d): %s%s\n", hi, tl_map_label(mp, lab), mp->vpid,
                p->message, lo);
        if (m->panic_op != TL_NONE)
            print_op(out, m, "detected by", TL_AT(m->ops, struct tl_op, m->panic_op));
        if (m->panic_writer_op != TL_NONE)
            print_op(out, m, "other writer", TL_AT(m->ops, struct tl_op, m->panic_writer_op));
        else
            fprintf(out, "  %-13s unknown (the panic names no writer thread)\n", "other writer");
        for (size_t i = 0; i < m->races.len; i++) {
            const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
            if (r->from_panic)
                print_overlap(out, r);
        }
        fprintf(out, "  %-13s %s on tid %d (%s): %s %s, writer tid %d %s (%s)\n", "panic",
                tl_fmt_ts(p->ts, b1), p->tid, dt->procname, tl_kind_name(p->op),
                p->kind == 1 ? "vs write" : "during a write", p->writer_tid,
                tl_kind_name(p->writer_op), p->writer_held ? "still writing" : "just finished");
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
        print_overlap(out, r);
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
    char b1[32];
    uint64_t nraces = m->nraces;
    fprintf(out, "summary: %" PRIu64 " libmap events over %s, %zu thread%s, %zu map%s, %" PRIu64
            " writes, %" PRIu64 " grows (%" PRIu64 " same-size), %" PRIu64
            " evacuations, %s, %" PRIu64 " race%s, %" PRIu64 " discarded events\n",
            m->nevents, tl_fmt_dur(m->last_ts - m->first_ts, b1), m->threads.len,
            m->threads.len == 1 ? "" : "s", m->maps.len, m->maps.len == 1 ? "" : "s",
            writes(tot), ngrows, nsame, m->nevacuations,
            m->panic.present ? "panic" : "no panic", nraces, nraces == 1 ? "" : "s",
            m->discarded_events);
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
