/*
 * viewer.h — libmap-timeline's internal interfaces between its parts: the
 * options (shared by the command line and the plugin's init parameters),
 * the decoder the sink drives, the online analysis that follows the model,
 * the outputs, the sink component class and the graph the command builds.
 */
#ifndef LIBMAP_VIEWER_VIEWER_H
#define LIBMAP_VIEWER_VIEWER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <babeltrace2/babeltrace.h>

#include "model.h"

#define TL_PROG "libmap-timeline"

/* Exit statuses of the command (docs/libmap-timeline.md). */
enum {
    TL_EXIT_OK = 0,       /* no race */
    TL_EXIT_RACE = 1,     /* a panic or an overlapping write pair reported */
    TL_EXIT_USAGE = 2,
    TL_EXIT_INPUT = 3,    /* missing/damaged trace, no libmap events, relayd */
    TL_EXIT_OUTPUT = 4,   /* an output file could not be written */
};

enum tl_color { TL_COLOR_AUTO, TL_COLOR_ALWAYS, TL_COLOR_NEVER };

struct tl_options {
    const char *input;          /* trace directory or net:// URL */
    bool summary, race, json;
    const char *chrome, *html;  /* output files, or NULL */
    bool have_map;
    uint64_t map_addr;
    int32_t pid;                /* --pid: only this process (0: all) */
    const char *begin, *end;    /* as given (command: for the trimmer) */
    bool have_begin_ns, have_end_ns;
    int64_t begin_ns, end_ns;   /* when given as ns from origin */
    int64_t last_ns;            /* --last, 0: none */
    int width;                  /* 0: terminal width */
    enum tl_color color;
};

/* options.c: one setter per option, shared by argv and plugin parameters.
 * Each returns 0, or -1 after writing a message into err. */
int tl_opt_set(struct tl_options *o, const char *name, const char *value,
               char *err, size_t errlen);
bool tl_opt_is_flag(const char *name);

/* units.c: durations and times. */
int tl_parse_duration(const char *s, int64_t *ns);   /* "5ms", "200us", "1s", "300" (ns) */
int tl_parse_ns(const char *s, int64_t *ns);         /* a plain integer: ns from origin */
/* "1.25us", "830ns", "12.0ms": 3 significant figures. */
const char *tl_fmt_dur(int64_t ns, char buf[32]);
/* Absolute time, ns from origin, as "SECONDS.NNNNNNNNN". */
const char *tl_fmt_ts(int64_t ns, char buf[32]);

/* decode.c: turns babeltrace2 messages into the model (it knows nothing
 * of the analysis, which follows the model). */
struct tl_decoder;
struct tl_decoder *tl_decoder_new(struct tl_model *m);
void tl_decoder_message(struct tl_decoder *d, const bt_message *msg);
void tl_decoder_free(struct tl_decoder *d);

/* analysis.c: the online part follows the model as its observer, in event
 * order; attach it before the first event. */
void tl_analysis_attach(struct tl_model *m);
/* Pairs every panic with its two operations (and sets the focused panic,
 * panic_op / panic_writer_op), finishes the race list (sorted by
 * start, the panic's pair first) and the latency percentiles. Call once,
 * after the last event. */
void tl_analyze(struct tl_model *m);

/* output.c: everything printed or written after the trace was read.
 * Returns a TL_EXIT_* status. */
int tl_output(struct tl_model *m, const struct tl_options *o, FILE *out);
/* The one-line diagnosis of a model that cannot be shown (no libmap
 * events), or NULL. */
const char *tl_model_problem(const struct tl_model *m, char *buf, size_t len);

/* The view an output draws: window and map (export.h's struct tl_view).
 * race_window: with a panic and no time options, narrow the window to the
 * two colliding operations (the terminal); else the whole trace (files). */
struct tl_view;
int tl_choose_view(const struct tl_model *m, const struct tl_options *o, bool race_window,
                   struct tl_view *v, char *err, size_t errlen);

/* term.c, report.c, json.c */
struct tl_style {
    int width;
    bool color;
};
void tl_print_timeline(FILE *out, const struct tl_model *m, const struct tl_view *v,
                       const struct tl_style *st, const char *title);
void tl_print_races(FILE *out, const struct tl_model *m, const struct tl_view *v,
                    bool color);
void tl_print_summary(FILE *out, const struct tl_model *m, bool full);
void tl_print_json(FILE *out, const struct tl_model *m, const struct tl_view *v);
void tl_print_discarded_warning(FILE *err, const struct tl_model *m);

/* sink.c: the sink component class's methods. The command passes a
 * struct tl_sink_data as initialize method data; the plugin passes none and
 * the sink then reads its parameters and prints its outputs at the end. */
struct tl_sink_data {
    struct tl_model *model;
};
bt_component_class_initialize_method_status
tl_sink_init(bt_self_component_sink *self, bt_self_component_sink_configuration *cfg,
             const bt_value *params, void *init_data);
void tl_sink_finalize(bt_self_component_sink *self);
bt_component_class_sink_graph_is_configured_method_status
tl_sink_graph_is_configured(bt_self_component_sink *self);
bt_component_class_sink_consume_method_status tl_sink_consume(bt_self_component_sink *self);
extern const char tl_sink_description[], tl_sink_help[];
/* The component class for the command's own graph (no plugin loading). */
bt_component_class_sink *tl_sink_class_create(void);

/* graph.c: the command's graph. Returns a TL_EXIT_* status (OK when the
 * trace was read), after printing one error line on failure. */
int tl_read_trace(const struct tl_options *o, struct tl_model *m);
/* metacheck.c: 0 when the CTF metadata file at path is whole, else -1 and
 * the reason in why. */
int tl_check_metadata(const char *path, char *why, size_t len);

/* The command's input checks; each returns 0 or a TL_EXIT_* status after
 * printing one line. relayd.c: live URLs. */
bool tl_is_live_url(const char *s);
int tl_check_relayd(const char *url);          /* relayd reachable (bounded wait) */
/* tracedir.c: a trace directory, and the CTF traces under it (appended
 * to the array inputs). */
int tl_check_trace_dir(const char *dir);
int tl_find_traces(const char *dir, bt_value *inputs);

/* signals.c: while the graph runs, SIGINT/SIGTERM set its interrupter;
 * while the source starts, an alarm after `seconds` (0: none) ends the
 * process with one line naming input (a CTF reader stuck on a damaged
 * trace). */
void tl_interrupt_on_signals(bt_interrupter *it);
void tl_interrupt_restore(void);
void tl_stuck_guard_arm(const char *input, unsigned seconds);
void tl_stuck_guard_disarm(void);

#endif /* LIBMAP_VIEWER_VIEWER_H */
