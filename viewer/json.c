/*
 * json.c — --json: the race report and the summary as one JSON object on
 * stdout (schema in docs/libmap-timeline.md). Times are integers, ns from
 * the clock's origin; addresses and hashes are "0x..." strings.
 */
#include <inttypes.h>

#include "export.h"
#include "viewer.h"

static void str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void thread_ref(FILE *out, const struct tl_model *m, uint32_t i)
{
    const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, i);
    fprintf(out, "\"pid\": %d, \"tid\": %d, \"procname\": ", t->vpid, t->vtid);
    str(out, t->procname);
}

static void op_obj(FILE *out, const struct tl_model *m, uint64_t idx)
{
    if (idx == TL_NONE) {
        fputs("null", out);
        return;
    }
    const struct tl_op *op = TL_AT(m->ops, struct tl_op, idx);
    fputc('{', out);
    thread_ref(out, m, op->thread);
    fprintf(out, ", \"op\": \"%s\", \"start_ns\": %" PRId64 ", \"end_ns\": %" PRId64
            ", \"duration_ns\": %" PRId64 ", \"synthesized\": %s}",
            tl_kind_name(op->kind), op->start, op->end, op->end - op->start,
            op->flags & TL_OP_SYNTH ? "true" : "false");
}

static void counts(FILE *out, const uint64_t *nops)
{
    fputc('{', out);
    bool first = true;
    for (int k = 1; k < TL_NKINDS; k++) {
        if (!nops[k])
            continue;
        fprintf(out, "%s\"%s\": %" PRIu64, first ? "" : ", ", tl_kind_name(k), nops[k]);
        first = false;
    }
    fputc('}', out);
}

static void map_ref(FILE *out, const struct tl_model *m, uint32_t i)
{
    const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
    fprintf(out, "\"map\": \"0x%" PRIx64 "\", \"map_life\": %u, \"pid\": %d", mp->addr, mp->life,
            mp->vpid);
}

static const char *const verdicts[] = {"unknown", "completed", "unfinished", "no_event"};

static void panic_obj(FILE *out, const struct tl_model *m, const struct tl_panic *p)
{
    fputc('{', out);
    map_ref(out, m, p->map);
    fprintf(out, ", \"ts_ns\": %" PRId64 ", \"kind\": %u, \"message\": ", p->ts, p->kind);
    str(out, p->message);
    if (p->has_detect)
        fprintf(out, ", \"detect_ns\": %" PRId64, p->detect);
    else
        fputs(", \"detect_ns\": null", out);
    fprintf(out, ", \"tid\": %d, \"op\": \"%s\", \"writer_tid\": %d, \"writer_op\": \"%s\""
            ", \"writer_held\": %s, \"writer_write\": \"%s\",\n    \"detector\": ", p->tid,
            tl_kind_name(p->op), p->writer_tid, tl_kind_name(p->writer_op),
            p->writer_held ? "true" : "false", verdicts[p->writer_verdict & 3]);
    op_obj(out, m, p->det_op);
    fputs(",\n    \"writer\": ", out);
    op_obj(out, m, p->writer_op_idx);
    fputs("}", out);
}

/* Every process with events in the model: pid, name, threads, panic. */
static void processes(FILE *out, const struct tl_model *m)
{
    bool first = true;
    for (size_t i = 0; i < m->threads.len; i++) {
        const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, i);
        size_t nthreads = 0;
        bool seen = false;
        for (size_t j = 0; j < m->threads.len; j++) {
            const struct tl_thread *u = TL_AT(m->threads, struct tl_thread, j);
            if (u->vpid == t->vpid) {
                seen = seen || j < i;
                nthreads++;
            }
        }
        if (seen)
            continue;
        bool panicked = false;
        for (size_t k = 0; k < m->panics.len; k++) {
            const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, k);
            panicked = panicked || TL_AT(m->threads, struct tl_thread, p->thread)->vpid == t->vpid;
        }
        fprintf(out, "%s\n    {\"pid\": %d, \"procname\": ", first ? "" : ",", t->vpid);
        str(out, t->procname);
        fprintf(out, ", \"threads\": %zu, \"panic\": %s}", nthreads, panicked ? "true" : "false");
        first = false;
    }
    if (!first)
        fputs("\n  ", out);
}

void tl_print_json(FILE *out, const struct tl_model *m, const struct tl_view *v)
{
    fprintf(out, "{\n  \"version\": 1,\n  \"first_ns\": %" PRId64 ", \"last_ns\": %" PRId64
            ",\n  \"window\": {\"from_ns\": %" PRId64 ", \"to_ns\": %" PRId64 "},\n"
            "  \"events\": %" PRIu64 ", \"other_events\": %" PRIu64
            ", \"discarded_events\": %" PRIu64 ", \"discarded_packets\": %" PRIu64 ",\n",
            m->first_ts, m->last_ts, v->from, v->to, m->nevents, m->nother_events,
            m->discarded_events, m->discarded_packets);
    fputs("  \"panic\": ", out);
    if (m->panics.len)
        panic_obj(out, m, TL_AT(m->panics, struct tl_panic, 0));
    else
        fputs("null", out);
    fputs(",\n  \"panics\": [", out);
    for (size_t i = 0; i < m->panics.len; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        panic_obj(out, m, TL_AT(m->panics, struct tl_panic, i));
    }
    fputs(m->panics.len ? "\n  ],\n  \"processes\": [" : "],\n  \"processes\": [", out);
    processes(out, m);
    fputs("]", out);
    fprintf(out, ",\n  \"races_total\": %" PRIu64 ",\n  \"races\": [", m->nraces);
    bool first = true;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, r->a);
        if (v->map != TL_NONE && a->map != v->map)
            continue;
        fprintf(out, "%s\n    {", first ? "" : ",");
        first = false;
        map_ref(out, m, a->map);
        fprintf(out, ", \"from_panic\": %s, \"overlap_start_ns\": %" PRId64
                ", \"overlap_end_ns\": %" PRId64 ", \"overlap_ns\": %" PRId64 ",\n     \"a\": ",
                r->from_panic ? "true" : "false", r->overlap_start, r->overlap_end,
                r->overlap_end - r->overlap_start);
        op_obj(out, m, r->a);
        fputs(",\n     \"b\": ", out);
        op_obj(out, m, r->b);
        fputc('}', out);
    }
    fputs(first ? "],\n" : "\n  ],\n", out);
    fputs("  \"threads\": [", out);
    for (size_t i = 0; i < m->threads.len; i++) {
        fprintf(out, "%s\n    {", i ? "," : "");
        thread_ref(out, m, (uint32_t)i);
        fputs(", \"ops\": ", out);
        counts(out, TL_AT(m->threads, struct tl_thread, i)->nops);
        fputc('}', out);
    }
    fputs(m->threads.len ? "\n  ],\n" : "],\n", out);
    fputs("  \"maps\": [", out);
    for (size_t i = 0; i < m->maps.len; i++) {
        const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
        fprintf(out, "%s\n    {", i ? "," : "");
        map_ref(out, m, (uint32_t)i);
        fprintf(out, ", \"freed\": %s, \"grows\": %u, \"same_size_grows\": %u, \"evacuations\": %"
                PRIu64 ", \"count\": %" PRIu64 ", \"B\": %u, \"ops\": ",
                mp->freed ? "true" : "false", mp->ngrows, mp->nsame_size_grows, mp->nevacuations,
                mp->last_count, mp->last_B);
        counts(out, mp->nops);
        fputc('}', out);
    }
    fputs(m->maps.len ? "\n  ],\n" : "],\n", out);
    fputs("  \"latency_ns\": {", out);
    for (int k = TL_ASSIGN; k <= TL_CLEAR; k++) {
        const struct tl_latency *l = &m->latency[k];
        fprintf(out, "%s\n    \"%s\": {\"n\": %" PRIu64 ", \"min\": %" PRId64 ", \"p50\": %" PRId64
                ", \"p90\": %" PRId64 ", \"p99\": %" PRId64 ", \"max\": %" PRId64
                ", \"mean\": %.1f}", k == TL_ASSIGN ? "" : ",", tl_kind_name(k), l->n, l->min,
                l->p50, l->p90, l->p99, l->max, l->mean);
    }
    fputs("\n  }\n}\n", out);
}
