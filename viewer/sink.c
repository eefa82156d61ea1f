/*
 * sink.c — the sink component class `timeline`: one input port, a message
 * iterator on it, every message handed to the decoder, which fills the
 * model; the analysis is attached to the model here, so that it follows it.
 *
 * Two callers: the command (main.c, graph.c) creates the class with
 * tl_sink_class_create() and passes its model as initialize method data;
 * it prints the outputs itself. babeltrace2 (through plugin.c) passes no
 * data: the component then reads its parameters (named like the command's
 * long options, e.g. -p 'summary=true,last="5ms"'), keeps its own model
 * and prints the same outputs when the trace ends.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "viewer.h"

/* Parameters with a value: chrome, html, map, pid, begin, end, last, width, color. */
#define TL_MAX_PARAMS 9

struct sink {
    bt_message_iterator *it;
    struct tl_model *model;
    struct tl_decoder *dec;
    bool own;                  /* plugin mode: own model and options */
    struct tl_model own_model;
    struct tl_options opts;
    char strs[TL_MAX_PARAMS][256]; /* parameter values converted to strings */
    int nstrs;
};

const char tl_sink_description[] =
    "Draw libmap map operations per thread on a timeline and report races.";
const char tl_sink_help[] =
    "Reads libmap LTTng-UST events (docs/tracepoints.md) and prints, at the end,\n"
    "the per-thread timeline, the race report and a summary line.\n"
    "Parameters (as libmap-timeline's options): summary=true, race=true, json=true,\n"
    "pid=PID, map=\"0xADDR\", last=\"5ms\", begin=NS, end=NS (view window, ns from\n"
    "origin), width=N, color=\"auto|always|never\", chrome=\"FILE\",\n"
    "html=\"FILE\".\n"
    "See docs/libmap-timeline.md.";

struct param_ctx {
    struct sink *s;
    char err[256];
};

static bt_value_map_foreach_entry_const_func_status param(const char *key, const bt_value *v,
                                                          void *data)
{
    struct param_ctx *pc = data;
    struct sink *s = pc->s;
    char *buf = s->strs[s->nstrs < TL_MAX_PARAMS ? s->nstrs : TL_MAX_PARAMS - 1];
    const char *val = buf;
    switch (bt_value_get_type(v)) {
    case BT_VALUE_TYPE_BOOL:
        if (!tl_opt_is_flag(key)) {
            snprintf(pc->err, sizeof pc->err, "parameter '%s' needs a value", key);
            return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_ERROR;
        }
        if (!bt_value_bool_get(v))
            return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_OK;
        val = NULL;
        break;
    case BT_VALUE_TYPE_UNSIGNED_INTEGER:
        snprintf(buf, 256, "%" PRIu64, bt_value_integer_unsigned_get(v));
        break;
    case BT_VALUE_TYPE_SIGNED_INTEGER:
        snprintf(buf, 256, "%" PRId64, bt_value_integer_signed_get(v));
        break;
    case BT_VALUE_TYPE_STRING:
        snprintf(buf, 256, "%s", bt_value_string_get(v));
        break;
    default:
        snprintf(pc->err, sizeof pc->err, "parameter '%s': expecting a boolean, integer or string",
                 key);
        return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_ERROR;
    }
    if (val && tl_opt_is_flag(key)) {
        snprintf(pc->err, sizeof pc->err, "parameter '%s' is a boolean (%s=true)", key, key);
        return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_ERROR;
    }
    if (val)
        s->nstrs++;
    if (s->nstrs > TL_MAX_PARAMS || tl_opt_set(&s->opts, key, val, pc->err, sizeof pc->err) != 0)
        return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_ERROR;
    return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_OK;
}

bt_component_class_initialize_method_status
tl_sink_init(bt_self_component_sink *self, bt_self_component_sink_configuration *cfg,
             const bt_value *params, void *init_data)
{
    (void)cfg;
    bt_self_component *sc = bt_self_component_sink_as_self_component(self);
    struct sink *s = calloc(1, sizeof *s);
    if (!s)
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
    if (init_data) {
        s->model = ((struct tl_sink_data *)init_data)->model;
    } else {
        s->own = true;
        struct param_ctx pc = {.s = s};
        if (params && bt_value_is_map(params) &&
            bt_value_map_foreach_entry_const(params, param, &pc) !=
                BT_VALUE_MAP_FOREACH_ENTRY_CONST_STATUS_OK) {
            BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(sc, "%s", pc.err);
            free(s);
            return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
        }
        bool keep = !s->opts.summary || s->opts.chrome || s->opts.html;
        tl_model_init(&s->own_model, keep);
        s->own_model.only_pid = s->opts.pid;
        s->model = &s->own_model;
    }
    /* the decoder fills the model; the analysis follows it */
    tl_analysis_attach(s->model);
    s->dec = tl_decoder_new(s->model);
    bt_self_component_set_data(sc, s);
    if (bt_self_component_sink_add_input_port(self, "in", NULL, NULL) !=
        BT_SELF_COMPONENT_ADD_PORT_STATUS_OK) {
        tl_sink_finalize(self);
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

void tl_sink_finalize(bt_self_component_sink *self)
{
    bt_self_component *sc = bt_self_component_sink_as_self_component(self);
    struct sink *s = bt_self_component_get_data(sc);
    if (!s)
        return;
    bt_message_iterator_put_ref(s->it);
    tl_decoder_free(s->dec);
    if (s->own)
        tl_model_free(&s->own_model);
    free(s);
    bt_self_component_set_data(sc, NULL);
}

bt_component_class_sink_graph_is_configured_method_status
tl_sink_graph_is_configured(bt_self_component_sink *self)
{
    struct sink *s = bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
    bt_self_component_port_input *port = bt_self_component_sink_borrow_input_port_by_name(self, "in");
    if (bt_message_iterator_create_from_sink_component(self, port, &s->it) !=
        BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
        return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
    return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

/* Plugin mode, end of the trace: the command's outputs on stdout. */
static bt_component_class_sink_consume_method_status finish(bt_self_component_sink *self,
                                                            struct sink *s)
{
    char buf[256];
    const char *problem = tl_model_problem(s->model, buf, sizeof buf);
    if (problem) {
        BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(
            bt_self_component_sink_as_self_component(self), "%s", problem);
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
    }
    tl_analyze(s->model);
    int st = tl_output(s->model, &s->opts, stdout);
    fflush(stdout);
    if (st == TL_EXIT_OUTPUT || st == TL_EXIT_USAGE) {
        BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(
            bt_self_component_sink_as_self_component(self), "output failed (see above)");
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
    }
    return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
}

bt_component_class_sink_consume_method_status tl_sink_consume(bt_self_component_sink *self)
{
    struct sink *s = bt_self_component_get_data(bt_self_component_sink_as_self_component(self));
    bt_message_array_const msgs;
    uint64_t n;
    switch (bt_message_iterator_next(s->it, &msgs, &n)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        bt_message_iterator_put_ref(s->it);
        s->it = NULL;
        if (s->own)
            return finish(self, s);
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_MEMORY_ERROR;
    default:
        return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_ERROR;
    }
    for (uint64_t i = 0; i < n; i++) {
        tl_decoder_message(s->dec, msgs[i]);
        bt_message_put_ref(msgs[i]);
    }
    return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
}

bt_component_class_sink *tl_sink_class_create(void)
{
    bt_component_class_sink *cc = bt_component_class_sink_create("timeline", tl_sink_consume);
    if (!cc)
        return NULL;
    bt_component_class *base = bt_component_class_sink_as_component_class(cc);
    if (bt_component_class_set_description(base, tl_sink_description) ||
        bt_component_class_set_help(base, tl_sink_help) ||
        bt_component_class_sink_set_initialize_method(cc, tl_sink_init) ||
        bt_component_class_sink_set_finalize_method(cc, tl_sink_finalize) ||
        bt_component_class_sink_set_graph_is_configured_method(cc, tl_sink_graph_is_configured)) {
        bt_component_class_sink_put_ref(cc);
        return NULL;
    }
    return cc;
}
