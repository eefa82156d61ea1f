/*
 * report_json.c — the whole analysis as one JSON document (--json); the
 * schema is documented in docs/coredump-json.md. Entries (and, with
 * --buckets, every bucket) are streamed from a walk of the map, so the
 * document for a map of any size is written in constant memory.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "json.h"
#include "report_locks.h"
#include "slots_json.h"
#include "walk.h"

#define SCHEMA "libmap-coredump/1"

static void core_obj(struct analysis *a, struct json *j)
{
    const struct core_notes *n = &a->notes;
    json_obj_begin(j, "core");
    json_str(j, "path", a->opt->core);
    json_str(j, "executable", a->opt->exe);
    json_str(j, "executable_build_id", a->exe_build_id[0] ? a->exe_build_id : NULL);
    json_str(j, "core_executable_build_id",
             a->core_exe_build_id[0] ? a->core_exe_build_id : NULL);
    json_bool(j, "build_id_mismatch", a->build_id_mismatch);
    json_str(j, "executable_used", a->exe_used[0] ? a->exe_used : NULL);
    json_u64(j, "size", a->cm.size);
    json_u64(j, "expected_size", a->cm.expected_size);
    json_bool(j, "truncated", a->cm.map != NULL && cm_truncated(&a->cm));
    if (n->have_psinfo) {
        json_i64(j, "pid", n->pid);
        json_str(j, "command", n->fname);
        json_str(j, "arguments", n->psargs);
    } else if (a->have_proc && a->proc.pid > 0) {
        json_i64(j, "pid", a->proc.pid);
    }
    json_i64(j, "signal", n->signo);
    json_str(j, "signal_name", n->signo ? signal_name(n->signo) : NULL);
    json_obj_end(j);
}

static void layout_obj(struct analysis *a, struct json *j)
{
    if (!a->have_layout) {
        json_null(j, "layout");
        return;
    }
    json_obj_begin(j, "layout");
    json_str(j, "module", proc_module_name(a->lay_mod));
    json_str(j, "module_path", proc_module_path(a->lay_mod));
    json_addr(j, "address", a->lay.addr);
    json_str(j, "source", a->lay.source);
    json_str(j, "found_by", a->lay.from_note ? "note" : "symbol");
    json_u64(j, "version", a->lay.d.version);
    json_u64(j, "size", a->lay.d.size);
    json_u64(j, "map_size", a->lay.d.map_size);
    json_obj_end(j);
}

static void panic_obj(struct analysis *a, struct json *j)
{
    const struct panic_info *p = &a->panic;
    json_obj_begin(j, "panic");
    json_bool(j, "present", p->present);
    if (!p->present) {
        json_str(j, "error", a->have_layout ? p->error : "libmap not found");
        json_obj_end(j);
        return;
    }
    json_addr(j, "address", p->addr);
    json_u64(j, "kind", p->kind);
    json_str(j, "kind_name", panic_kind_name(p->kind));
    json_str(j, "message", p->message);
    json_addr(j, "map", p->map);
    json_str(j, "op", op_name(p->op));
    json_str(j, "writer_op", op_name(p->writer_op));
    json_i64(j, "tid", p->tid);
    json_i64(j, "writer_tid", p->writer_tid);
    json_bool(j, "writer_held", p->writer_held != 0);
    json_i64(j, "pid", p->pid);
    json_i64(j, "realtime_ns", p->realtime_ns);
    json_i64(j, "monotonic_ns", p->monotonic_ns);
    json_obj_end(j);
}

/* A crash the run-time check missed (diagnose.h), or null. */
static void diagnosis_obj(struct analysis *a, struct json *j)
{
    const struct diagnosis *d = &a->diag;
    if (!d->v.present) {
        json_null(j, "diagnosis");
        return;
    }
    json_obj_begin(j, "diagnosis");
    json_str(j, "kind", d->v.kind);
    json_str(j, "message", d->v.message);
    json_bool(j, "detected_at_run_time", 0);
    json_str(j, "signal", signal_name(d->signo));
    json_i64(j, "signal_number", d->signo);
    if (d->v.map)
        json_addr(j, "map", d->v.map);
    else
        json_null(j, "map");
    json_str(j, "map_found_by", d->v.map ? d->v.map_found_by : NULL);
    json_i64(j, "crashed_tid", d->crashed_tid);
    json_str(j, "crashed_op", d->v.crashed_op);
    json_str(j, "crashed_function", d->v.crashed_function);
    json_i64(j, "writer_tid", d->v.writer_tid);
    json_str(j, "writer_op", d->v.writer_op);
    json_str(j, "writer_function", d->v.writer_function);
    json_bool(j, "writer_held", d->v.writer_held);
    json_str(j, "evidence", d->v.evidence);
    json_obj_end(j);
}

static void thread_obj(struct json *j, const struct thread *t, const char *role)
{
    json_obj_begin(j, NULL);
    json_i64(j, "tid", t->tid);
    json_str(j, "role", role);
    json_bool(j, "in_libmap", t->in_libmap);
    json_str(j, "libmap_function", t->libmap_function);
    json_bool(j, "truncated", t->truncated);
    json_str(j, "error", t->error);
    json_arr_begin(j, "frames");
    for (size_t i = 0; i < t->nframes; i++) {
        const struct frame *f = &t->frames[i];
        json_obj_begin_line(j, NULL);
        json_addr(j, "pc", f->pc);
        json_str(j, "function", f->function);
        json_str(j, "mangled", f->mangled);
        json_bool(j, "signal_frame", f->signal_frame);
        json_u64(j, "offset", f->offset);
        json_str(j, "file", f->file);
        json_i64(j, "line", f->line);
        json_bool(j, "inlined", f->inlined);
        json_str(j, "module", f->module);
        json_bool(j, "in_libmap", f->in_libmap);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

static void threads_arr(struct analysis *a, struct json *j)
{
    struct threads *ts = &a->threads;
    const struct panic_info *p = &a->panic;
    struct thread *det = p->present ? stacks_find(ts, p->tid) : NULL;
    struct thread *wr = p->present && p->writer_tid ? stacks_find(ts, p->writer_tid) : NULL;
    if (a->diag.v.present) {
        det = stacks_find(ts, a->diag.crashed_tid);
        wr = stacks_find(ts, a->diag.v.writer_tid);
    }
    json_arr_begin(j, "threads");
    if (det != NULL)
        thread_obj(j, det, a->diag.v.present ? "crashed" : "detecting");
    if (wr != NULL && wr != det)
        thread_obj(j, wr, "writer");
    for (size_t i = 0; i < ts->n; i++)
        if (&ts->t[i] != det && &ts->t[i] != wr)
            thread_obj(j, &ts->t[i],
                       p->present && thread_in_panic_path(&ts->t[i]) ? "also_detected" : "other");
    json_arr_end(j);
    json_str(j, "threads_error", ts->error[0] ? ts->error : NULL);
}

static void flags_arr(struct analysis *a, struct json *j, uint64_t flags)
{
    const struct libmap_layout *d = &a->lay.d;
    json_arr_begin(j, "names");
    if (flags & d->flag_iterator)
        json_str(j, NULL, "iterator");
    if (flags & d->flag_old_iterator)
        json_str(j, NULL, "oldIterator");
    if (flags & d->flag_same_size_grow)
        json_str(j, NULL, "sameSizeGrow");
    json_arr_end(j);
}

static void map_header(struct analysis *a, struct json *j, const struct lm_map *m)
{
    json_addr(j, "address", m->addr);
    json_bool(j, "magic_ok", m->magic_ok);
    json_str(j, "key_kind", key_kind_name(&a->lay, m->key_kind));
    json_u64(j, "key_size", m->key_size);
    json_u64(j, "value_size", m->value_size);
    json_bool(j, "indirect_key", m->indirect_key);
    json_bool(j, "indirect_value", m->indirect_value);
    json_bool(j, "hash_known", map_hash_known(m, &a->lay));
    json_u64(j, "count", m->count);
    json_u64(j, "B", m->B);
    json_u64(j, "nbuckets", m->nbuckets);
    json_u64(j, "bucket_size", m->bucket_size);
    json_u64(j, "key_offset", m->key_offset);
    json_u64(j, "value_offset", m->value_offset);
    json_u64(j, "overflow_offset", m->overflow_offset);
    json_addr(j, "buckets_address", m->buckets);
    json_addr(j, "hash0", m->hash0);
    json_obj_begin(j, "flags");
    json_u64(j, "raw", m->flags);
    flags_arr(a, j, m->flags);
    json_obj_end(j);
    json_u64(j, "noverflow", m->noverflow);
    json_obj_begin(j, "growth");
    json_str(j, "state", !m->growing ? "none" : m->same_size ? "same_size" : "doubling");
    if (m->growing) {
        json_u64(j, "old_B", m->oldB);
        json_u64(j, "old_nbuckets", m->noldbuckets);
        json_addr(j, "oldbuckets_address", m->oldbuckets);
    }
    json_u64(j, "nevacuate", m->nevacuate);
    json_obj_end(j);
    guard_json(j, &m->guard);
    json_obj_begin(j, "writer");
    json_addr(j, "raw", m->writer);
    const struct panic_info *p = &a->panic;
    int marker = writer_panic_marker(&a->lay, m->writer);
    json_bool(j, "panic_marker", marker);
    if (marker) {
        /* the word names the detecting thread; the writer is the record's */
        json_i64(j, "marker_tid", writer_tid(&a->lay, m->writer));
        int known = p->present && p->map == m->addr;
        json_bool(j, "held", known && p->writer_held);
        json_i64(j, "tid", known ? p->writer_tid : 0);
        json_str(j, "op", known ? op_name(p->writer_op) : NULL);
    } else {
        json_bool(j, "held", writer_held(&a->lay, m->writer));
        json_i64(j, "tid", writer_tid(&a->lay, m->writer));
        json_str(j, "op", op_name(writer_op(&a->lay, m->writer)));
    }
    /* the write sequence, through the descriptor; null when it predates it */
    if (writer_seq(&a->lay, m->writer) >= 0)
        json_i64(j, "seq", writer_seq(&a->lay, m->writer));
    else
        json_null(j, "seq");
    json_obj_end(j);
    json_bool(j, "panicked", p->present && p->map == m->addr);
    json_u64(j, "clearseq", m->clearseq);
    json_bool(j, "walkable", m->walkable);
    json_str(j, "problem", m->walkable ? NULL : m->problem);
}

/* Entries and buckets are streamed from walks. */
struct jwalk {
    struct analysis *a;
    struct json *j;
    struct slot_reader sr;
    int evacuated;   /* current chain belongs to an evacuated old bucket */
    int buckets;     /* write buckets (else entries) */
};

static void slot_kv(struct jwalk *w, const uint8_t *b, unsigned i)
{
    struct slot_key k;
    if (slot_key(&w->sr, b, i, &k) == 0)
        key_json(w->j, &w->sr, &k);
    else
        json_str(w->j, "key_error", k.why);
    const uint8_t *vp;
    uint64_t vlen;
    struct lmi_fault f;
    char why[160];
    if (slot_value(&w->sr, b, i, &vp, &vlen, &f, why, sizeof why) == 0)
        value_json(w->j, &w->sr, vp, vlen);
    else
        json_str(w->j, "value_error", why);
}

static const char *slot_state(const struct libmap_layout *d, uint8_t top)
{
    if (top == d->empty_rest)
        return "emptyRest";
    if (top == d->empty_one)
        return "emptyOne";
    if (top == d->evacuated_x)
        return "evacuatedX";
    if (top == d->evacuated_y)
        return "evacuatedY";
    if (top == d->evacuated_empty)
        return "evacuatedEmpty";
    if (top < d->min_tophash)
        return "invalid";
    return "live";
}

static void jw_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct jwalk *w = ctx;
    struct json *j = w->j;
    const struct libmap_layout *d = &w->a->lay.d;
    if (r->chain == 0)
        w->evacuated = r->old && tophash_evacuated(&w->a->lay, b[0]);
    if (w->buckets) {
        json_obj_begin(j, NULL);
        json_u64(j, "index", r->index);
        json_u64(j, "overflow", r->chain);
        json_addr(j, "address", r->addr);
        if (r->old && r->chain == 0)
            json_bool(j, "evacuated", w->evacuated);
        json_arr_begin(j, "slots");
        for (unsigned i = 0; i < d->bucket_cnt; i++) {
            json_obj_begin_line(j, NULL);
            json_u64(j, "tophash", b[i]);
            json_str(j, "state", slot_state(d, b[i]));
            if (b[i] >= d->min_tophash && !w->evacuated)
                slot_kv(w, b, i);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_obj_end(j);
        return;
    }
    if (w->evacuated)
        return;
    for (unsigned i = 0; i < d->bucket_cnt; i++) {
        if (b[i] < d->min_tophash)
            continue;
        json_obj_begin_line(j, NULL);
        slot_kv(w, b, i);
        json_str(j, "array", r->old ? "old" : "current");
        json_u64(j, "bucket", r->index);
        json_u64(j, "overflow", r->chain);
        json_u64(j, "slot", i);
        json_u64(j, "tophash", b[i]);
        json_obj_end(j);
    }
}

static void jw_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    struct jwalk *w = ctx;
    if (!w->buckets)
        return;
    struct json *j = w->j;
    json_obj_begin_line(j, NULL);
    json_u64(j, "index", r->index);
    if (p == WP_UNREADABLE_RANGE) {
        json_u64(j, "last_index", extra);
        json_addr(j, "address", addr);
        json_str(j, "unreadable", lmi_status_str(st));
    } else {
        json_u64(j, "overflow", r->chain + 1);
        json_addr(j, "address", addr);
        json_str(j, "unreadable",
                 p == WP_UNREADABLE_OVERFLOW ? lmi_status_str(st) : "bad overflow link");
    }
    json_obj_end(j);
}

static void walk_json(struct analysis *a, struct json *j, int buckets)
{
    struct jwalk w = {a, j, {0}, 0, buckets};
    slots_init(&w.sr, &a->map, &a->lay, &a->cm.mem);
    struct walk_visitor v = {jw_bucket, NULL, jw_problem, NULL, &w};
    if (buckets) {
        json_obj_begin(j, "buckets");
        json_arr_begin(j, "current");
        walk_array(&a->map, &a->lay, &a->cm.mem, 0, &v);
        json_arr_end(j);
        json_arr_begin(j, "old");
        if (a->map.growing)
            walk_array(&a->map, &a->lay, &a->cm.mem, 1, &v);
        json_arr_end(j);
        json_obj_end(j);
    } else {
        json_arr_begin(j, "entries");
        walk_array(&a->map, &a->lay, &a->cm.mem, 0, &v);
        if (a->map.growing)
            walk_array(&a->map, &a->lay, &a->cm.mem, 1, &v);
        json_arr_end(j);
    }
    slots_free(&w.sr);
}

static void stats_obj(struct analysis *a, struct json *j)
{
    const struct lmi_stats *s = &a->ver.st;
    json_obj_begin(j, "stats");
    json_u64(j, "live_current", s->live_new);
    json_u64(j, "live_old", s->live_old);
    json_u64(j, "deleted", s->deleted);
    json_u64(j, "empty", s->empty);
    json_u64(j, "overflow_current", s->overflow_new);
    json_u64(j, "overflow_old", s->overflow_old);
    json_u64(j, "evacuated_old", s->evacuated_old);
    json_u64(j, "empty_buckets", s->empty_buckets);
    json_u64(j, "longest_chain", s->longest_chain);
    json_u64(j, "chains_with_overflow", s->chains_with_overflow);
    json_obj_end(j);
}

static void map_obj(struct analysis *a, struct json *j)
{
    if (!a->have_map) {
        json_null(j, "map");
        json_str(j, "map_error", a->map_error[0] ? a->map_error : NULL);
        return;
    }
    json_obj_begin(j, "map");
    json_str(j, "source", a->map_source);
    map_header(a, j, &a->map);
    stats_obj(a, j);
    walk_json(a, j, 0);
    if (a->opt->buckets)
        walk_json(a, j, 1);
    json_obj_end(j);
}

static void verification_obj(struct analysis *a, struct json *j)
{
    const struct vresult *v = &a->ver;
    json_obj_begin(j, "verification");
    json_bool(j, "ran", v->ran);
    json_bool(j, "ok", v->ran && v->total_failures == 0 && v->total_unreadable == 0);
    json_bool(j, "placement_checked", v->placement_checked);
    json_u64(j, "failure_count", v->total_failures);
    json_u64(j, "unreadable_count", v->total_unreadable);
    json_arr_begin(j, "failures");
    for (size_t i = 0; i < v->nfails; i++) {
        const struct lmi_problem *f = &v->fails[i];
        json_obj_begin_line(j, NULL);
        json_str(j, "check", f->check);
        json_str(j, "array", f->array < 0 ? "map" : f->array ? "old" : "current");
        if (f->bucket >= 0)
            json_i64(j, "bucket", f->bucket);
        else
            json_null(j, "bucket");
        if (f->chain >= 0)
            json_i64(j, "overflow", f->chain);
        else
            json_null(j, "overflow");
        if (f->slot >= 0)
            json_i64(j, "slot", f->slot);
        else
            json_null(j, "slot");
        json_addr(j, "address", f->addr);
        json_bool(j, "unreadable", f->unreadable);
        json_str(j, "message", f->msg);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}

static void registry_obj(struct analysis *a, struct json *j)
{
    const struct registry_info *r = &a->reg;
    json_obj_begin(j, "registry");
    json_bool(j, "present", r->present);
    json_addr(j, "address", r->addr);
    json_u64(j, "count", r->count);
    json_str(j, "error", r->error[0] ? r->error : NULL);
    json_arr_begin(j, "maps");
    for (size_t i = 0; i < r->n; i++) {
        if (i < a->nall && a->all[i].ok) {
            json_obj_begin(j, NULL);
            map_header(a, j, &a->all[i].map);
            json_obj_end(j);
        } else {
            json_obj_begin(j, NULL);
            json_addr(j, "address", r->maps[i]);
            if (i < a->nall)
                json_str(j, "error", a->all[i].error);
            json_obj_end(j);
        }
    }
    json_arr_end(j);
    json_obj_end(j);
}

void report_json(struct analysis *a, FILE *out)
{
    struct json j;
    json_init(&j, out, JSON_ESC_ASCII, 1);
    json_obj_begin(&j, NULL);
    json_str(&j, "schema", SCHEMA);
    json_str(&j, "error", a->fatal[0] ? a->fatal : NULL);
    core_obj(a, &j);
    layout_obj(a, &j);
    if (a->have_layout) {
        panic_obj(a, &j);
        diagnosis_obj(a, &j);
        threads_arr(a, &j);
        registry_obj(a, &j);
        map_obj(a, &j);
        verification_obj(a, &j);
    }
    json_arr_begin(&j, "warnings");
    for (size_t i = 0; i < a->nwarnings; i++)
        json_str(&j, NULL, a->warnings[i]);
    json_arr_end(&j);
    json_i64(&j, "exit_code", analysis_exit_code(a));
    json_obj_end(&j);
    json_end(&j);
}
