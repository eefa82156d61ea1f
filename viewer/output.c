/*
 * output.c — what the command (and the plugin, at the end of the trace)
 * prints or writes once the model is complete: choose the view (window and
 * map), then the terminal view, race report, summary, JSON and the file
 * exports, and the exit status.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "export.h"
#include "viewer.h"

const char *tl_model_problem(const struct tl_model *m, char *buf, size_t len)
{
    if (m->nevents)
        return NULL;
    if (m->only_pid && m->nfiltered_events) {
        int n = snprintf(buf, len, "no libmap events of pid %d; the trace holds pid",
                         (int)m->only_pid);
        const int32_t *p = m->pids.data;
        for (size_t i = 0; i < m->pids.len && n > 0 && (size_t)n < len; i++)
            n += snprintf(buf + n, len - (size_t)n, "%s %d", i ? "," : "", (int)p[i]);
        return buf;
    }
    if (m->nother_events)
        snprintf(buf, len, "the trace holds no libmap events (%llu events of other "
                 "providers); record with libmap-record, or enable 'libmap:*' in the session",
                 (unsigned long long)m->nother_events);
    else
        snprintf(buf, len, "the trace holds no events; record with libmap-record, or "
                 "enable 'libmap:*' in the session");
    return buf;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

int tl_choose_view(const struct tl_model *m, const struct tl_options *o, bool race_window,
                   struct tl_view *v, char *err, size_t errlen)
{
    v->map = TL_NONE;
    if (o->have_map) {
        for (size_t i = 0; i < m->maps.len; i++) {
            const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
            if (mp->addr != o->map_addr)
                continue;
            /* the last life, or the panicking map when it has this address */
            if (v->map == TL_NONE || !(m->panic.present && m->panic.map == v->map))
                v->map = i;
        }
        if (v->map == TL_NONE) {
            snprintf(err, errlen, "no map 0x%llx in the trace (%zu maps; --summary lists them)",
                     (unsigned long long)o->map_addr, m->maps.len);
            return -1;
        }
    }
    v->from = m->first_ts;
    v->to = m->last_ts;
    bool panic_in_view = m->panic.present && (v->map == TL_NONE || v->map == m->panic.map);
    if (o->last_ns) {
        int64_t end = panic_in_view ? m->panic.ts : m->last_ts;
        v->to = end;
        v->from = end - o->last_ns;
    } else if (race_window && panic_in_view && !o->begin && !o->end && m->panic_op != TL_NONE) {
        /* the race window: both colliding ops and the panic, with margin */
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, m->panic_op);
        int64_t lo = min64(a->start, m->panic.ts), hi = max64(a->end, m->panic.ts);
        if (m->panic_writer_op != TL_NONE) {
            const struct tl_op *b = TL_AT(m->ops, struct tl_op, m->panic_writer_op);
            lo = min64(lo, b->start);
            hi = max64(hi, b->end);
        }
        int64_t margin = max64((hi - lo) / 2, 500);
        v->from = max64(lo - margin, m->first_ts);
        v->to = min64(hi + margin, m->last_ts);
    }
    if (o->have_begin_ns)
        v->from = max64(v->from, o->begin_ns);
    if (o->have_end_ns)
        v->to = min64(v->to, o->end_ns);
    if (v->to < v->from) {
        snprintf(err, errlen, "the time range is empty (begin after end)");
        return -1;
    }
    return 0;
}

static int term_width(const struct tl_options *o, FILE *out)
{
    if (o->width)
        return o->width;
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    if (c && atoi(c) >= 40)
        return atoi(c);
    return 100;
}

static bool use_color(const struct tl_options *o, FILE *out)
{
    if (o->color != TL_COLOR_AUTO)
        return o->color == TL_COLOR_ALWAYS;
    const char *term = getenv("TERM");
    return isatty(fileno(out)) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

#ifdef LIBMAP_TIMELINE_HAVE_EXPORT
static int export_file(const char *path, const char *what, const struct tl_model *m,
                       const struct tl_view *v,
                       int (*fn)(const struct tl_model *, const struct tl_view *, FILE *))
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, TL_PROG ": cannot write %s: %m\n", path);
        return TL_EXIT_OUTPUT;
    }
    int r = fn(m, v, f);
    if (fclose(f) != 0 && r == 0) {
        fprintf(stderr, TL_PROG ": cannot write %s: %m\n", path);
        r = -1;
    }
    if (r != 0)
        return TL_EXIT_OUTPUT;
    fprintf(stderr, TL_PROG ": wrote %s (%s)\n", path, what);
    return TL_EXIT_OK;
}
#endif

/* Races within the view's map selection (the exit status says whether any
 * was reported). */
static bool any_race(const struct tl_model *m, const struct tl_view *v)
{
    if (v->map == TL_NONE)
        return m->nraces || m->panics.len;
    for (size_t i = 0; i < m->panics.len; i++)
        if (TL_AT(m->panics, struct tl_panic, i)->map == v->map)
            return true;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if (TL_AT(m->ops, struct tl_op, r->a)->map == v->map)
            return true;
    }
    return false;
}

int tl_output(struct tl_model *m, const struct tl_options *o, FILE *out)
{
    char err[256];
    struct tl_view v;
    /* the terminal zooms on the race window by itself; the files hold the
     * whole trace (or what --last/--begin/--end/--map select) and open on
     * the race */
    struct tl_view ev;
    if (tl_choose_view(m, o, true, &v, err, sizeof err) != 0 ||
        tl_choose_view(m, o, false, &ev, err, sizeof err) != 0) {
        fprintf(stderr, TL_PROG ": %s\n", err);
        return TL_EXIT_USAGE;
    }
    tl_print_discarded_warning(stderr, m);
    bool color = use_color(o, out);
    if (o->json) {
        tl_print_json(out, m, &v);
    } else if (o->race) {
        tl_print_races(out, m, &v, color);
    } else if (o->summary) {
        tl_print_summary(out, m, true);
    } else {
        struct tl_style st = {.width = term_width(o, out), .color = color};
        tl_print_timeline(out, m, &v, &st, o->input);
        fputc('\n', out);
        tl_print_races(out, m, &v, color);
        fputc('\n', out);
        tl_print_summary(out, m, false);
    }
    fflush(out);
    int status = any_race(m, &v) ? TL_EXIT_RACE : TL_EXIT_OK;
#ifdef LIBMAP_TIMELINE_HAVE_EXPORT
    if (o->chrome) {
        int r = export_file(o->chrome, "Chrome trace-event JSON", m, &ev, tl_write_chrome);
        if (r)
            status = r;
    }
    if (o->html) {
        int r = export_file(o->html, "HTML timeline", m, &ev, tl_write_html);
        if (r)
            status = r;
    }
#else
    if (o->chrome || o->html) {
        fprintf(stderr, TL_PROG ": --chrome/--html: not built\n");
        status = TL_EXIT_USAGE;
    }
#endif
    return status;
}
