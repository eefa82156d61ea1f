/*
 * graph.c — the command's babeltrace2 graph, built through libbabeltrace2:
 *
 *   source.ctf.fs (inputs=[DIR])  |  source.ctf.lttng-live (inputs=[URL])
 *     -> filter.utils.muxer -> [filter.utils.trimmer (--begin/--end)]
 *     -> our sink (sink.c's class, created here: no plugin file is loaded
 *        for it; only the system `ctf` and `utils` plugins are found).
 *
 * Every failure becomes one line `libmap-timeline: ...` saying what is
 * wrong and what to do, with an exit status (viewer.h). The input is
 * checked first (relayd.c for a live URL, tracedir.c for a directory);
 * signals.c interrupts the graph on Ctrl-C and guards the source's start.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viewer.h"

/* Opening a CTF directory only indexes its files; if babeltrace2's reader
 * is still at it after this long, it is stuck on a damaged trace. */
#define INIT_TIMEOUT_S 60

/* The graph being built, and where the next component connects. */
struct graph {
    const struct tl_options *o;
    bool live;
    const bt_plugin *ctf, *utils;
    bt_component_class_sink *sink_cls;
    bt_graph *g;
    const bt_port_output *last_out;
    char cause[512];              /* babeltrace2's reason for the last failure */
};

/* The root (first appended) error cause's message, first line only.
 * LIBMAP_TIMELINE_DEBUG=1 prints every cause. */
static void take_error(char *buf, size_t len)
{
    buf[0] = '\0';
    const bt_error *e = bt_current_thread_take_error();
    if (!e)
        return;
    uint64_t n = bt_error_get_cause_count(e);
    if (getenv("LIBMAP_TIMELINE_DEBUG"))
        for (uint64_t i = 0; i < n; i++)
            fprintf(stderr, "cause %llu: %s\n", (unsigned long long)i,
                    bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, i)));
    if (n) {
        const char *msg = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, 0));
        snprintf(buf, len, "%s", msg ? msg : "");
        buf[strcspn(buf, "\n")] = '\0';
    }
    bt_error_release(e);
}

static const bt_plugin *find_plugin(const char *name)
{
    const bt_plugin *p = NULL;
    if (bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &p) !=
        BT_PLUGIN_FIND_STATUS_OK)
        return NULL;
    return p;
}

static int connect_ports(bt_graph *g, const bt_port_output *out, const bt_port_input *in)
{
    return bt_graph_connect_ports(g, out, in, NULL) == BT_GRAPH_CONNECT_PORTS_STATUS_OK ? 0 : -1;
}

static int setup_failed(const char *part)
{
    fprintf(stderr, TL_PROG ": cannot set up the babeltrace2 graph%s\n", part);
    return TL_EXIT_INPUT;
}

/* The source's parameters: the live URL, or the trace directories found
 * under the given one. NULL after a message. */
static bt_value *source_params(struct graph *gr, int *status)
{
    bt_value *params = bt_value_map_create();
    bt_value *inputs = NULL;
    if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
        (gr->live && (bt_value_array_append_string_element(inputs, gr->o->input) ||
                      bt_value_map_insert_string_entry(params, "session-not-found-action",
                                                       "fail")))) {
        *status = setup_failed("");
        bt_value_put_ref(params);
        return NULL;
    }
    if (!gr->live && (*status = tl_find_traces(gr->o->input, inputs)) != 0) {
        bt_value_put_ref(params);
        return NULL;
    }
    return params;
}

static int add_source(struct graph *gr, const bt_component_class_source *cls,
                      const bt_component_source **src)
{
    int status = 0;
    bt_value *params = source_params(gr, &status);
    if (!params)
        return status;
    tl_stuck_guard_arm(gr->o->input, gr->live ? 0 : INIT_TIMEOUT_S);
    int added = bt_graph_add_source_component(gr->g, cls, "source", params,
                                              BT_LOGGING_LEVEL_NONE, src);
    tl_stuck_guard_disarm();
    bt_value_put_ref(params);
    if (!added)
        return 0;
    take_error(gr->cause, sizeof gr->cause);
    if (gr->live)
        fprintf(stderr, TL_PROG ": %s: cannot open the live session: %s\n", gr->o->input,
                gr->cause);
    else
        fprintf(stderr, TL_PROG ": %s: the trace is damaged, truncated or not CTF: %s\n",
                gr->o->input, gr->cause);
    return TL_EXIT_INPUT;
}

/* The muxer, fed by every output port of the source. */
static int add_muxer(struct graph *gr, const bt_component_class_filter *cls,
                     const bt_component_source *src)
{
    const bt_component_filter *mux;
    if (bt_graph_add_filter_component(gr->g, cls, "muxer", NULL, BT_LOGGING_LEVEL_NONE, &mux))
        return setup_failed(" (muxer)");
    uint64_t nports = bt_component_source_get_output_port_count(src);
    for (uint64_t i = 0; i < nports; i++) {
        uint64_t nin = bt_component_filter_get_input_port_count(mux);
        if (connect_ports(gr->g, bt_component_source_borrow_output_port_by_index_const(src, i),
                          bt_component_filter_borrow_input_port_by_index_const(mux, nin - 1)))
            return setup_failed(" (ports)");
    }
    gr->last_out = bt_component_filter_borrow_output_port_by_index_const(mux, 0);
    return 0;
}

/* "--begin NS" given as ns from origin: the trimmer's SECONDS.NANO form. */
static const char *trim_time(const char *given, bool numeric, int64_t ns, char buf[32])
{
    return numeric ? tl_fmt_ts(ns, buf) : given;
}

static bt_value *trimmer_params(const struct tl_options *o)
{
    bt_value *tp = bt_value_map_create();
    char b1[32], b2[32];
    if (!tp ||
        (o->begin && bt_value_map_insert_string_entry(
                         tp, "begin", trim_time(o->begin, o->have_begin_ns, o->begin_ns, b1))) ||
        (o->end && bt_value_map_insert_string_entry(
                       tp, "end", trim_time(o->end, o->have_end_ns, o->end_ns, b2)))) {
        bt_value_put_ref(tp);
        return NULL;
    }
    return tp;
}

/* The trimmer, for --begin/--end. */
static int add_trimmer(struct graph *gr, const bt_component_class_filter *cls)
{
    bt_value *tp = trimmer_params(gr->o);
    if (!tp)
        return TL_EXIT_INPUT;
    const bt_component_filter *trim;
    int r = bt_graph_add_filter_component(gr->g, cls, "trimmer", tp, BT_LOGGING_LEVEL_NONE,
                                          &trim);
    bt_value_put_ref(tp);
    if (r) {
        take_error(gr->cause, sizeof gr->cause);
        fprintf(stderr, TL_PROG ": invalid --begin/--end: %s (give ns from origin, "
                "SECONDS.NANO, HH:MM:SS.NANO or 'YYYY-MM-DD HH:MM:SS')\n", gr->cause);
        return TL_EXIT_USAGE;
    }
    if (connect_ports(gr->g, gr->last_out,
                      bt_component_filter_borrow_input_port_by_index_const(trim, 0)))
        return TL_EXIT_INPUT;
    gr->last_out = bt_component_filter_borrow_output_port_by_index_const(trim, 0);
    return 0;
}

static int add_sink(struct graph *gr, struct tl_model *m)
{
    struct tl_sink_data data = {.model = m};
    const bt_component_sink *sink;
    if (bt_graph_add_sink_component_with_initialize_method_data(
            gr->g, gr->sink_cls, "timeline", NULL, &data, BT_LOGGING_LEVEL_NONE, &sink) ||
        connect_ports(gr->g, gr->last_out,
                      bt_component_sink_borrow_input_port_by_index_const(sink, 0)))
        return setup_failed(" (sink)");
    return 0;
}

/* source -> muxer -> [trimmer] -> sink. */
static int build(struct graph *gr, struct tl_model *m)
{
    const bt_component_class_source *src_cls = bt_plugin_borrow_source_component_class_by_name_const(
        gr->ctf, gr->live ? "lttng-live" : "fs");
    const bt_component_class_filter *mux_cls =
        bt_plugin_borrow_filter_component_class_by_name_const(gr->utils, "muxer");
    const bt_component_class_filter *trim_cls =
        bt_plugin_borrow_filter_component_class_by_name_const(gr->utils, "trimmer");
    gr->sink_cls = tl_sink_class_create();
    gr->g = bt_graph_create(0);
    if (!src_cls || !mux_cls || !trim_cls || !gr->sink_cls || !gr->g)
        return setup_failed("");
    const bt_component_source *src;
    int status = add_source(gr, src_cls, &src);
    if (!status)
        status = add_muxer(gr, mux_cls, src);
    if (!status && (gr->o->begin || gr->o->end))
        status = add_trimmer(gr, trim_cls);
    if (!status)
        status = add_sink(gr, m);
    return status;
}

static void report_run_error(const struct graph *gr)
{
    const char *input = gr->o->input;
    if (gr->live && strstr(gr->cause, "session-not-found-action"))
        fprintf(stderr, TL_PROG ": %s: no such live session on the relay daemon (list "
                "them: babeltrace2 -i lttng-live net://HOST[:PORT])\n", input);
    else if (gr->live)
        fprintf(stderr, TL_PROG ": %s: reading the live session failed: %s\n", input, gr->cause);
    else
        fprintf(stderr, TL_PROG ": %s: the trace is damaged or truncated: %s\n", input,
                gr->cause);
}

/* Runs the graph to its end, or until Ctrl-C (what was read is kept). */
static int run(struct graph *gr)
{
    bt_interrupter *interrupter = bt_graph_borrow_default_interrupter(gr->g);
    int status = TL_EXIT_INPUT;
    tl_interrupt_on_signals(interrupter);
    for (;;) {
        bt_graph_run_status rs = bt_graph_run(gr->g);
        if (rs == BT_GRAPH_RUN_STATUS_OK ||
            (rs == BT_GRAPH_RUN_STATUS_AGAIN && bt_interrupter_is_set(interrupter))) {
            status = TL_EXIT_OK; /* interrupted: show what was read */
            break;
        }
        if (rs == BT_GRAPH_RUN_STATUS_AGAIN) {
            usleep(100000); /* live: no data yet */
            continue;
        }
        take_error(gr->cause, sizeof gr->cause);
        report_run_error(gr);
        break;
    }
    tl_interrupt_restore();
    return status;
}

int tl_read_trace(const struct tl_options *o, struct tl_model *m)
{
    struct graph gr = {.o = o, .live = tl_is_live_url(o->input)};
    int status = gr.live ? tl_check_relayd(o->input) : tl_check_trace_dir(o->input);
    if (status)
        return status;
    gr.ctf = find_plugin("ctf");
    gr.utils = find_plugin("utils");
    if (!gr.ctf || !gr.utils) {
        fprintf(stderr, TL_PROG ": babeltrace2's %s plugin was not found; install "
                "babeltrace2 (Debian: babeltrace2)\n", gr.ctf ? "utils" : "ctf");
        status = TL_EXIT_INPUT;
    } else {
        status = build(&gr, m);
        if (!status)
            status = run(&gr);
    }
    bt_graph_put_ref(gr.g);
    bt_component_class_sink_put_ref(gr.sink_cls);
    bt_plugin_put_ref(gr.ctf);
    bt_plugin_put_ref(gr.utils);
    return status;
}
