/*
 * report_text.c — the default report, readable on one screen: a probable
 * race the run-time check missed (first line, when diagnosed), the process
 * and the panic, the detecting (or crashed) and the writer thread with
 * symbolized stacks, other threads inside libmap, the map's summary and the
 * verification; --threads, --buckets and --all-maps add their sections.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report_locks.h"
#include "slots.h"
#include "walk.h"

static void print_frames(FILE *o, const struct thread *t)
{
    for (size_t i = 0; i < t->nframes; i++) {
        const struct frame *f = &t->frames[i];
        if (f->signal_frame) {
            fprintf(o, "  #%-3zu 0x%016" PRIx64 " <signal handler called>\n", i, f->pc);
            continue;
        }
        fprintf(o, "  #%-3zu 0x%016" PRIx64 " %s", i, f->pc, f->function ? f->function : "??");
        if (f->function && f->offset && !f->file)
            fprintf(o, "+0x%" PRIx64, f->offset);
        if (f->file)
            fprintf(o, " at %s:%d", f->file, f->line);
        if (f->inlined)
            fputs(" [inlined]", o);
        if (f->module)
            fprintf(o, " (%s)", f->module);
        fputc('\n', o);
    }
    if (t->nframes == 0)
        fprintf(o, "  (no frames%s%s)\n", t->error ? ": " : "", t->error ? t->error : "");
    else if (t->error)
        fprintf(o, "  (unwinding stopped here: %s; the frames above are exact, callers are missing)\n",
                t->error);
    if (t->truncated)
        fprintf(o, "  ... (stack cut at %d frames)\n", STACK_MAX_FRAMES);
}

static void print_thread(FILE *o, const struct thread *t, const char *role)
{
    fprintf(o, "\nthread %d", (int)t->tid);
    if (role)
        fprintf(o, " — %s", role);
    if (t->in_libmap && t->libmap_function)
        fprintf(o, " [in libmap: %s]", t->libmap_function);
    fputc('\n', o);
    print_frames(o, t);
}

static void section_process(struct analysis *a, FILE *o)
{
    const struct core_notes *n = &a->notes;
    fputs("process", o);
    if (n->have_psinfo || a->proc.pid > 0)
        fprintf(o, " %d", n->have_psinfo ? (int)n->pid : a->proc.pid);
    if (n->have_psinfo) {
        char args[sizeof n->psargs];
        snprintf(args, sizeof args, "%s", n->psargs[0] ? n->psargs : n->fname);
        for (size_t l = strlen(args); l > 0 && args[l - 1] == ' ';)
            args[--l] = 0;
        fprintf(o, " (%s)", args);
    }
    if (n->signo)
        fprintf(o, ", killed by signal %d (%s)", n->signo, signal_name(n->signo));
    fputc('\n', o);
    fprintf(o, "  executable %s", a->opt->exe);
    if (a->build_id_mismatch)
        fprintf(o, " (NOT the program that dumped the core: build ID %s, the core's %s; "
                   "analyzed with --force)",
                a->exe_build_id, a->core_exe_build_id);
    else if (a->exe_used[0])
        fprintf(o, " is not the program that dumped the core (build ID %s); analyzed %s, build "
                   "ID %s, found by build ID",
                a->exe_build_id, a->exe_used, a->core_exe_build_id);
    else if (a->exe_build_id[0])
        fprintf(o, " (build ID %s)", a->exe_build_id);
    fputc('\n', o);
    fprintf(o, "  core       %s (%" PRIu64 " bytes%s)\n", a->opt->core, a->cm.size,
            cm_truncated(&a->cm) ? ", TRUNCATED" : "");
    fprintf(o, "  libmap     %s, layout descriptor at 0x%" PRIx64 " (read from the %s%s)\n",
            proc_module_name(a->lay_mod), a->lay.addr, a->lay.source,
            a->lay.from_note ? "; found through libmap's ELF note: no symbol table" : "");
}

/* A crash the run-time check missed (diagnose.h): the report's first line,
 * then one naming the map and both threads. */
static void section_diagnosis(struct analysis *a, FILE *o)
{
    const struct diagnosis *d = &a->diag;
    if (!d->v.present)
        return;
    fprintf(o, "%s\n", d->v.message);
    if (d->v.map)
        fprintf(o, "  map 0x%" PRIx64 ": ", d->v.map);
    else
        fputs("  map unknown: ", o);
    fprintf(o, "%s by thread %d died of %s while thread %d ",
            d->v.crashed_op ? d->v.crashed_op
                          : d->v.crashed_function ? d->v.crashed_function : "a libmap call",
            (int)d->crashed_tid, signal_name(d->signo), (int)d->v.writer_tid);
    if (d->v.writer_held)
        fprintf(o, "held it for writing (%s; its writer word)\n",
                d->v.writer_op ? d->v.writer_op : "?");
    else
        fprintf(o, "was inside %s (%s)\n", d->v.writer_op ? d->v.writer_op : "a write",
                d->v.writer_function ? d->v.writer_function : "?");
    fputc('\n', o);
}

static void section_panic(struct analysis *a, FILE *o)
{
    const struct panic_info *p = &a->panic;
    if (!p->present) {
        fprintf(o, "\n%s\n", p->error);
        if (a->diag.v.why_not[0])
            fprintf(o, "  %s\n", a->diag.v.why_not);
        return;
    }
    fprintf(o, "\nfatal error: %s\n", p->message);
    fprintf(o, "  map 0x%" PRIx64 ": %s by thread %d", p->map, op_name(p->op), (int)p->tid);
    if (p->writer_tid)
        fprintf(o, " collided with %s by thread %d (%s)\n", op_name(p->writer_op),
                (int)p->writer_tid,
                p->writer_held ? "still writing" : "its write had just finished");
    else
        fprintf(o, " collided with an unknown writer\n");
}

/* A thread that also noticed the race parks in libmap's panic function
 * until the first reporter has aborted the process. */
int thread_in_panic_path(const struct thread *t)
{
    for (size_t i = 0; i < t->nframes; i++)
        if (t->frames[i].in_libmap && t->frames[i].function != NULL &&
            strcmp(t->frames[i].function, "map_panic") == 0)
            return 1;
    return 0;
}

static void section_threads(struct analysis *a, FILE *o)
{
    struct threads *ts = &a->threads;
    if (ts->error[0]) {
        fprintf(o, "\n%s\n", ts->error);
        return;
    }
    const struct panic_info *p = &a->panic;
    const struct diagnosis *d = &a->diag;
    struct thread *det = p->present ? stacks_find(ts, p->tid) : NULL;
    struct thread *wr = p->present && p->writer_tid ? stacks_find(ts, p->writer_tid) : NULL;
    if (d->v.present) {
        det = stacks_find(ts, d->crashed_tid);
        wr = stacks_find(ts, d->v.writer_tid);
    }
    char role[128];
    if (det != NULL && d->v.present) {
        snprintf(role, sizeof role, "crashed thread (%s in %s)", signal_name(d->signo),
                 d->v.crashed_op ? d->v.crashed_op : "libmap");
        print_thread(o, det, role);
    } else if (det != NULL) {
        snprintf(role, sizeof role, "detecting thread (%s)", op_name(p->op));
        print_thread(o, det, role);
    } else if (p->present) {
        fprintf(o, "\ndetecting thread %d is not in the core\n", (int)p->tid);
    }
    if (wr != NULL && wr != det && d->v.present) {
        snprintf(role, sizeof role, "writer thread (%s, %s)", d->v.writer_op ? d->v.writer_op : "?",
                 d->v.writer_held ? "holding the map" : "inside the write");
        print_thread(o, wr, role);
    } else if (wr != NULL && wr != det) {
        snprintf(role, sizeof role, "writer thread (%s, %s)", op_name(p->writer_op),
                 p->writer_held ? "holding the map" : "had just written");
        print_thread(o, wr, role);
    } else if (d->v.present && wr == NULL) {
        fprintf(o, "\nwriter thread %d is not in the core\n", (int)d->v.writer_tid);
    } else if (p->present && p->writer_tid && wr == NULL) {
        fprintf(o, "\nwriter thread %d is not in the core (it may have exited)\n",
                (int)p->writer_tid);
    }
    size_t others = 0, in_libmap = 0;
    for (size_t i = 0; i < ts->n; i++) {
        struct thread *t = &ts->t[i];
        if (t == det || t == wr)
            continue;
        if (p->present && thread_in_panic_path(t)) {
            print_thread(o, t, "also detected the race (stopped in libmap's panic path)");
            continue;
        }
        char role[256];
        const char *base = t->in_libmap ? "inside libmap" : NULL;
        int holder = lock_role(a, t->tid, base, role, sizeof role);
        if (a->opt->threads || holder || (!p->present && t->in_libmap)) {
            print_thread(o, t, holder ? role : base);
            continue;
        }
        others++; /* the threads whose stacks are not shown */
        if (t->in_libmap) {
            if (in_libmap++ == 0)
                fprintf(o, "\nother threads inside libmap:");
            fprintf(o, " %d (%s)", (int)t->tid, t->libmap_function ? t->libmap_function : "?");
        }
    }
    if (in_libmap)
        fputc('\n', o);
    if (!a->opt->threads && others)
        fprintf(o, "\n%zu other thread%s (--threads shows every stack)\n", others,
                others == 1 ? "" : "s");
}

static void flags_str(const struct analysis *a, uint64_t flags, char *buf, size_t len)
{
    const struct libmap_layout *d = &a->lay.d;
    buf[0] = 0;
    if (flags & d->flag_iterator)
        strncat(buf, " iterator", len - strlen(buf) - 1);
    if (flags & d->flag_old_iterator)
        strncat(buf, " oldIterator", len - strlen(buf) - 1);
    if (flags & d->flag_same_size_grow)
        strncat(buf, " sameSizeGrow", len - strlen(buf) - 1);
    if (!buf[0])
        snprintf(buf, len, " none");
}

static void map_one_line(struct analysis *a, FILE *o, const struct lm_map *m)
{
    fprintf(o, "map 0x%" PRIx64 ": %s keys -> %" PRIu64 "-byte values, count %" PRIu64
               ", B %" PRIu64,
            m->addr, key_kind_name(&a->lay, m->key_kind), m->value_size, m->count, m->B);
    if (m->growing)
        fprintf(o, ", growing (%s) %" PRIu64 "/%" PRIu64, m->same_size ? "same-size" : "doubling",
                m->nevacuate, m->noldbuckets);
    if (!m->magic_ok)
        fputs(", BAD MAGIC", o);
    if (a->panic.present && a->panic.map == m->addr)
        fputs(" <- panicked", o);
    if (a->diag.v.present && a->diag.v.map == m->addr)
        fputs(" <- probable race", o);
    fputc('\n', o);
}

static void section_map(struct analysis *a, FILE *o)
{
    if (!a->have_map) {
        fprintf(o, "\n%s\n", a->map_error);
        return;
    }
    const struct lm_map *m = &a->map;
    const struct libmap_layout *d = &a->lay.d;
    const struct lmi_stats *s = &a->ver.st;
    fprintf(o, "\nmap 0x%" PRIx64 ": %s keys", m->addr, key_kind_name(&a->lay, m->key_kind));
    if (m->key_kind == d->key_kind_bytes)
        fprintf(o, " of %" PRIu64 " bytes%s%s", m->key_size, m->indirect_key ? " (indirect)" : "",
                map_hash_known(m, &a->lay) ? "" : ", user hash");
    fprintf(o, " -> %" PRIu64 "-byte values%s\n", m->value_size,
            m->indirect_value ? " (indirect)" : "");
    fprintf(o, "  count      %" PRIu64 "\n", m->count);
    fprintf(o, "  buckets    B %" PRIu64 ": %" PRIu64 " buckets of %" PRIu64 " bytes at 0x%" PRIx64
               "\n",
            m->B, m->nbuckets, m->bucket_size, m->buckets);
    fprintf(o, "  seed       0x%016" PRIx64 "\n", m->hash0);
    char fl[64];
    flags_str(a, m->flags, fl, sizeof fl);
    fprintf(o, "  flags      0x%02" PRIx64 " (%s)\n", m->flags, fl + 1);
    if (m->growing)
        fprintf(o, "  growth     %s from B %" PRIu64 " (%" PRIu64 " old buckets at 0x%" PRIx64
                   "): nevacuate %" PRIu64 " of %" PRIu64 ", %" PRIu64 " evacuated\n",
                m->same_size ? "same-size growth" : "doubling", m->oldB, m->noldbuckets,
                m->oldbuckets, m->nevacuate, m->noldbuckets, s->evacuated_old);
    else
        fprintf(o, "  growth     not growing\n");
    fprintf(o, "  writer     0x%016" PRIx64, m->writer);
    const struct panic_info *p = &a->panic;
    if (writer_panic_marker(&a->lay, m->writer)) {
        fprintf(o, " (PANIC marker: thread %d stopped the map when it detected the race",
                (int)writer_tid(&a->lay, m->writer));
        if (p->present && p->map == m->addr && p->writer_tid)
            fprintf(o, "; the writer was thread %d, %s, %s (panic record)", (int)p->writer_tid,
                    op_name(p->writer_op), p->writer_held ? "held" : "just released");
        fputc(')', o);
    } else if (writer_tid(&a->lay, m->writer)) {
        fprintf(o, " (%s by thread %d, %s", op_name(writer_op(&a->lay, m->writer)),
                (int)writer_tid(&a->lay, m->writer),
                writer_held(&a->lay, m->writer) ? "held" : "released");
        if (writer_seq(&a->lay, m->writer) >= 0)
            fprintf(o, ", write seq %" PRId64, writer_seq(&a->lay, m->writer));
        fputc(')', o);
    } else if (writer_seq(&a->lay, m->writer) >= 0) {
        fprintf(o, " (write seq %" PRId64 ")", writer_seq(&a->lay, m->writer));
    }
    fputc('\n', o);
    if (!m->walkable) {
        fprintf(o, "  buckets cannot be read: %s\n", m->problem);
        return;
    }
    fprintf(o, "  overflow   %" PRIu64 " overflow buckets (noverflow %" PRIu64 ")",
            s->overflow_new, m->noverflow);
    if (m->growing)
        fprintf(o, ", %" PRIu64 " in old buckets", s->overflow_old);
    fputc('\n', o);
    uint64_t slots = m->nbuckets * d->bucket_cnt;
    fprintf(o, "  occupancy  %" PRIu64 " live slots", s->live_new);
    if (m->growing)
        fprintf(o, " + %" PRIu64 " in unevacuated old buckets", s->live_old);
    /* mid-growth, most entries may still sit in unevacuated old buckets:
     * the load counts every entry against the current bucket array */
    uint64_t live = s->live_new + (m->growing ? s->live_old : 0);
    if (slots)
        fprintf(o, ", load %.2f per bucket (%.1f%% of base slots)",
                (double)live / (double)m->nbuckets, 100.0 * (double)live / (double)slots);
    fprintf(o, "; %" PRIu64 " deleted, %" PRIu64 " empty buckets, longest chain %" PRIu64 "\n",
            s->deleted, s->empty_buckets, s->longest_chain);
}

static void fail_where(FILE *o, const struct lmi_problem *f)
{
    if (f->array < 0) {
        fprintf(o, "map");
        return;
    }
    fprintf(o, "%s bucket %" PRId64, f->array ? "old" : "current", f->bucket);
    if (f->chain > 0)
        fprintf(o, " overflow %d", f->chain);
    if (f->slot >= 0)
        fprintf(o, " slot %d", f->slot);
    if (f->addr)
        fprintf(o, " (0x%" PRIx64 ")", f->addr);
}

static void section_verify(struct analysis *a, FILE *o)
{
    if (!a->have_map || !a->ver.ran)
        return;
    const struct vresult *v = &a->ver;
    if (v->total_failures == 0 && v->total_unreadable == 0)
        fprintf(o, "\nverification: OK (count, %splacement, tophash, duplicates, chains, "
                   "evacuation, emptyRest, noverflow)\n",
                v->placement_checked ? "" : "no ");
    else if (v->total_failures == 0)
        fprintf(o, "\nverification: INCOMPLETE — no invariant broken in what is readable; "
                   "%" PRIu64 " part%s unreadable\n",
                v->total_unreadable, v->total_unreadable == 1 ? "" : "s");
    else
        fprintf(o, "\nverification: FAILED — %" PRIu64 " problem%s%s\n", v->total_failures,
                v->total_failures == 1 ? "" : "s",
                v->total_unreadable ? " (and unreadable parts)" : "");
    if (!v->placement_checked)
        fprintf(o, "  placement not verifiable: the map hashes keys with a user callback\n");
    for (size_t i = 0; i < v->nfails; i++) {
        const struct lmi_problem *f = &v->fails[i];
        fputs("  ", o);
        fail_where(o, f);
        fprintf(o, ": [%s] %s\n", f->check, f->msg);
    }
    uint64_t shown = v->nfails, total = v->total_failures + v->total_unreadable;
    if (total > shown)
        fprintf(o, "  ... and %" PRIu64 " more\n", total - shown);
}

/* --buckets: every bucket, old and new, with chains. */
struct bprint {
    struct analysis *a;
    FILE *o;
    struct slot_reader sr;
    int evacuated;
};

static const char *empty_state(const struct libmap_layout *d, uint8_t top)
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
    return NULL;
}

static void bp_bucket(void *ctx, const struct bref *r, const uint8_t *b)
{
    struct bprint *bp = ctx;
    const struct libmap_layout *d = &bp->a->lay.d;
    FILE *o = bp->o;
    if (r->chain == 0) {
        bp->evacuated = r->old && tophash_evacuated(&bp->a->lay, b[0]);
        fprintf(o, "  bucket %" PRIu64 " @0x%" PRIx64 "%s\n", r->index, r->addr,
                bp->evacuated ? " (evacuated)" : "");
    } else {
        fprintf(o, "    overflow %u @0x%" PRIx64 "\n", r->chain, r->addr);
    }
    for (unsigned i = 0; i < d->bucket_cnt; i++) {
        uint8_t top = b[i];
        const char *st = empty_state(d, top);
        if (st != NULL) {
            /* a run of the same marker on one line */
            unsigned j = i;
            while (j + 1 < d->bucket_cnt && b[j + 1] == top)
                j++;
            if (j > i)
                fprintf(o, "    [%u-%u] %s\n", i, j, st);
            else
                fprintf(o, "    [%u] %s\n", i, st);
            i = j;
            continue;
        }
        if (top < d->min_tophash) {
            fprintf(o, "    [%u] tophash 0x%02x (invalid)\n", i, top);
            continue;
        }
        struct slot_key k;
        fprintf(o, "    [%u] top 0x%02x  ", i, top);
        slot_key(&bp->sr, b, i, &k);
        key_print(o, &bp->sr, &k, 64);
        const uint8_t *vp;
        uint64_t vlen;
        struct lmi_fault f;
        char why[160];
        fputs(" -> ", o);
        if (slot_value(&bp->sr, b, i, &vp, &vlen, &f, why, sizeof why) == 0)
            value_print(o, &bp->sr, vp, vlen, 32);
        else
            fprintf(o, "<%s>", why);
        fputc('\n', o);
    }
}

static void bp_problem(void *ctx, const struct bref *r, enum walk_problem p, uint64_t addr,
                       enum lmi_status st, uint64_t extra)
{
    struct bprint *bp = ctx;
    if (p == WP_UNREADABLE_RANGE)
        fprintf(bp->o, "  buckets %" PRIu64 "..%" PRIu64 ": %s\n", r->index, extra,
                lmi_status_str(st));
    else if (p == WP_UNREADABLE_OVERFLOW)
        fprintf(bp->o, "    overflow @0x%" PRIx64 ": %s\n", addr, lmi_status_str(st));
    else
        fprintf(bp->o, "    chain stops: bad link to 0x%" PRIx64 " (see verification)\n", addr);
}

static void section_buckets(struct analysis *a, FILE *o)
{
    if (!a->have_map || !a->map.walkable)
        return;
    struct bprint bp = {a, o, {0}, 0};
    slots_init(&bp.sr, &a->map, &a->lay, &a->cm.mem);
    struct walk_visitor v = {bp_bucket, NULL, bp_problem, NULL, &bp};
    fprintf(o, "\ncurrent buckets (%" PRIu64 "):\n", a->map.nbuckets);
    walk_array(&a->map, &a->lay, &a->cm.mem, 0, &v);
    if (a->map.growing) {
        fprintf(o, "\nold buckets (%" PRIu64 ", nevacuate %" PRIu64 "):\n", a->map.noldbuckets,
                a->map.nevacuate);
        walk_array(&a->map, &a->lay, &a->cm.mem, 1, &v);
    }
    slots_free(&bp.sr);
}

/* Plain maps in registry order, then each safe map with its inner maps
 * (a libmap_shard's shards in order) and their locks. */
static void section_all_maps(struct analysis *a, FILE *o)
{
    fprintf(o, "\nregistry: %" PRIu64 " maps", a->reg.count);
    if (a->reg.error[0])
        fprintf(o, " (%s)", a->reg.error);
    fputc('\n', o);
    for (size_t i = 0; i < a->nall; i++) {
        if (a->all[i].ok && a->all[i].map.guard.ok)
            continue;
        fputs("  ", o);
        if (a->all[i].ok)
            map_one_line(a, o, &a->all[i].map);
        else
            fprintf(o, "map 0x%" PRIx64 ": %s\n", a->reg.maps[i], a->all[i].error);
    }
    size_t *idx;
    size_t n = guarded_maps_sorted(a, &idx);
    for (size_t k = 0; k < n; k++) {
        const struct lm_map *m = &a->all[idx[k]].map;
        const struct lm_guard *g = &m->guard;
        if (k == 0 || a->all[idx[k - 1]].map.guard.parent != g->parent) {
            if (g->kind == LIBMAP_GUARD_SHARD)
                fprintf(o, "  libmap_shard 0x%" PRIx64 ": %u shards\n", g->parent, g->nshards);
            else
                fprintf(o, "  libmap_%s 0x%" PRIx64 ":\n", g->kind_name, g->parent);
        }
        char state[192];
        lock_state_str(g, state, sizeof state);
        if (g->kind == LIBMAP_GUARD_SHARD)
            fprintf(o, "    shard %u: %s\n      ", g->shard, state);
        else
            fprintf(o, "    lock: %s\n      ", state);
        map_one_line(a, o, m);
    }
    free(idx);
}

void report_text(struct analysis *a, FILE *o)
{
    section_diagnosis(a, o);
    section_process(a, o);
    section_panic(a, o);
    section_threads(a, o);
    section_locks(a, o);
    if (a->opt->all_maps)
        section_all_maps(a, o);
    section_map(a, o);
    section_verify(a, o);
    if (a->opt->buckets)
        section_buckets(a, o);
    fflush(o);
}
