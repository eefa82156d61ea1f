/*
 * graph.c — the command's babeltrace2 graph, built through libbabeltrace2:
 *
 *   source.ctf.fs (inputs=[DIR])  |  source.ctf.lttng-live (inputs=[URL])
 *     -> filter.utils.muxer -> [filter.utils.trimmer (--begin/--end)]
 *     -> our sink (sink.c's class, created here: no plugin file is loaded
 *        for it; only the system `ctf` and `utils` plugins are found).
 *
 * Every failure becomes one line `libmap-timeline: ...` saying what is
 * wrong and what to do, with an exit status (viewer.h). Before a live
 * graph is built, the relay daemon's port is tried with a bounded connect,
 * so an unreachable relayd fails in seconds instead of in babeltrace2's
 * retries. Ctrl-C interrupts the graph; what was read is still shown.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "viewer.h"

#define RELAYD_DEFAULT_PORT "5344"
#define CONNECT_TIMEOUT_MS 5000

static bt_interrupter *volatile interrupter;

static void on_signal(int sig)
{
    (void)sig;
    if (interrupter)
        bt_interrupter_set(interrupter);
}

/* Opening a CTF directory only indexes its files; if babeltrace2's reader
 * is still at it after this long, it is stuck on a damaged trace. */
#define INIT_TIMEOUT_S 60
static const char *volatile guarded_input;

static void on_stuck(int sig)
{
    (void)sig;
    static const char a[] = TL_PROG ": ", b[] = ": babeltrace2's CTF reader is stuck on this "
        "trace (damaged?); giving up\n";
    (void)!write(2, a, sizeof a - 1);
    (void)!write(2, guarded_input, strlen(guarded_input));
    (void)!write(2, b, sizeof b - 1);
    _exit(TL_EXIT_INPUT);
}

static bool is_url(const char *s)
{
    return strncmp(s, "net://", 6) == 0 || strncmp(s, "net4://", 7) == 0 ||
           strncmp(s, "net6://", 7) == 0;
}

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

/* Is HOST:PORT of a net://HOST[:PORT]/... URL accepting connections? */
static int check_relayd(const char *url)
{
    const char *h = strstr(url, "://") + 3;
    char host[256], port[16] = RELAYD_DEFAULT_PORT;
    const char *end = strchr(h, '/');
    size_t hl = end ? (size_t)(end - h) : strlen(h);
    if (hl == 0 || hl >= sizeof host || !end || strncmp(end, "/host/", 6) != 0) {
        fprintf(stderr, TL_PROG ": %s: expecting net://HOST[:PORT]/host/HOSTNAME/SESSION "
                "(libmap-record --live prints it)\n", url);
        return TL_EXIT_USAGE;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
    if (host[0] == '[') {
        char *rb = strchr(host, ']');
        if (colon)
            snprintf(port, sizeof port, "%s", colon + 2);
        if (rb)
            *rb = '\0';
        memmove(host, host + 1, strlen(host));
    } else if (colon) {
        snprintf(port, sizeof port, "%s", colon + 1);
        *colon = '\0';
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    int r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0) {
        fprintf(stderr, TL_PROG ": cannot resolve relay daemon host '%s': %s\n", host,
                gai_strerror(r));
        return TL_EXIT_INPUT;
    }
    int err = ETIMEDOUT;
    for (struct addrinfo *p = ai; p; p = p->ai_next) {
        int fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0) {
            err = 0;
        } else if (errno == EINPROGRESS) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) == 1) {
                socklen_t sl = sizeof err;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
            } else {
                err = ETIMEDOUT;
            }
        } else {
            err = errno;
        }
        close(fd);
        if (err == 0)
            break;
    }
    freeaddrinfo(ai);
    if (err) {
        fprintf(stderr, TL_PROG ": cannot reach lttng-relayd at %s port %s: %s; start it "
                "(lttng-relayd --daemonize) or check the URL\n", host, port, strerror(err));
        return TL_EXIT_INPUT;
    }
    return 0;
}

static int check_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, TL_PROG ": %s: %s; give a trace directory (libmap-record prints it)\n",
                dir, strerror(errno));
        return TL_EXIT_INPUT;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, TL_PROG ": %s is not a directory; give the trace directory that "
                "holds it (for a flight recording, DIR/snapshot-N-...)\n", dir);
        return TL_EXIT_INPUT;
    }
    return 0;
}

/* ctf.fs wants the directories that hold a `metadata` file (babeltrace2's
 * command line finds them itself): collect them under the given one. */
static bt_value *trace_dirs;
static char bad_metadata[512];

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    if (type == FTW_F && strcmp(path + ftw->base, "metadata") == 0) {
        if (!bad_metadata[0] && tl_check_metadata(path, bad_metadata, sizeof bad_metadata) != 0)
            return 0;
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", ftw->base ? ftw->base - 1 : 0, path);
        if (bt_value_array_append_string_element(trace_dirs, dir[0] ? dir : "."))
            return 1;
    }
    return 0;
}

static int find_traces(const char *dir, bt_value *inputs)
{
    trace_dirs = inputs;
    int r = nftw(dir, collect, 16, FTW_PHYS);
    trace_dirs = NULL;
    if (r != 0)
        return -1;
    return bt_value_array_get_length(inputs) ? 0 : 1;
}

static const bt_plugin *find_plugin(const char *name)
{
    const bt_plugin *p = NULL;
    if (bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &p) !=
        BT_PLUGIN_FIND_STATUS_OK)
        return NULL;
    return p;
}

/* "--begin NS" given as ns from origin: the trimmer's SECONDS.NANO form. */
static const char *trim_time(const char *given, bool numeric, int64_t ns, char buf[32])
{
    return numeric ? tl_fmt_ts(ns, buf) : given;
}

static int connect_ports(bt_graph *g, const bt_port_output *out, const bt_port_input *in)
{
    return bt_graph_connect_ports(g, out, in, NULL) == BT_GRAPH_CONNECT_PORTS_STATUS_OK ? 0 : -1;
}

int tl_read_trace(const struct tl_options *o, struct tl_model *m)
{
    bool live = is_url(o->input);
    int status = live ? check_relayd(o->input) : check_dir(o->input);
    if (status)
        return status;

    const bt_plugin *ctf = find_plugin("ctf"), *utils = find_plugin("utils");
    bt_graph *g = NULL;
    bt_value *params = NULL;
    bt_component_class_sink *sink_cls = NULL;
    char cause[512];
    status = TL_EXIT_INPUT;
    if (!ctf || !utils) {
        fprintf(stderr, TL_PROG ": babeltrace2's %s plugin was not found; install "
                "babeltrace2 (Debian: babeltrace2)\n", ctf ? "utils" : "ctf");
        goto out;
    }
    const bt_component_class_source *src_cls = bt_plugin_borrow_source_component_class_by_name_const(
        ctf, live ? "lttng-live" : "fs");
    const bt_component_class_filter *mux_cls =
        bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer");
    const bt_component_class_filter *trim_cls =
        bt_plugin_borrow_filter_component_class_by_name_const(utils, "trimmer");
    sink_cls = tl_sink_class_create();
    g = bt_graph_create(0);
    params = bt_value_map_create();
    bt_value *inputs = NULL;
    if (!src_cls || !mux_cls || !trim_cls || !sink_cls || !g || !params ||
        bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
        (live && (bt_value_array_append_string_element(inputs, o->input) ||
                  bt_value_map_insert_string_entry(params, "session-not-found-action", "fail")))) {
        fprintf(stderr, TL_PROG ": cannot set up the babeltrace2 graph\n");
        goto out;
    }
    if (!live) {
        int r = find_traces(o->input, inputs);
        if (r < 0) {
            fprintf(stderr, TL_PROG ": %s: cannot read the directory: %s\n", o->input,
                    strerror(errno));
            goto out;
        }
        if (bad_metadata[0]) {
            fprintf(stderr, TL_PROG ": %s: the trace is damaged or truncated: %s\n", o->input,
                    bad_metadata);
            goto out;
        }
        if (r > 0) {
            fprintf(stderr, TL_PROG ": %s: no CTF trace in this directory (no metadata file "
                    "under it); give a directory recorded by libmap-record or lttng\n", o->input);
            goto out;
        }
    }

    const bt_component_source *src;
    guarded_input = o->input;
    signal(SIGALRM, on_stuck);
    alarm(live ? 0 : INIT_TIMEOUT_S);
    int added = bt_graph_add_source_component(g, src_cls, "source", params, BT_LOGGING_LEVEL_NONE,
                                              &src);
    alarm(0);
    if (added) {
        take_error(cause, sizeof cause);
        if (live)
            fprintf(stderr, TL_PROG ": %s: cannot open the live session: %s\n", o->input, cause);
        else
            fprintf(stderr, TL_PROG ": %s: the trace is damaged, truncated or not CTF: %s\n",
                    o->input, cause);
        goto out;
    }
    const bt_component_filter *mux;
    if (bt_graph_add_filter_component(g, mux_cls, "muxer", NULL, BT_LOGGING_LEVEL_NONE, &mux)) {
        fprintf(stderr, TL_PROG ": cannot set up the babeltrace2 graph (muxer)\n");
        goto out;
    }
    uint64_t nports = bt_component_source_get_output_port_count(src);
    for (uint64_t i = 0; i < nports; i++) {
        uint64_t nin = bt_component_filter_get_input_port_count(mux);
        if (connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, i),
                          bt_component_filter_borrow_input_port_by_index_const(mux, nin - 1))) {
            fprintf(stderr, TL_PROG ": cannot set up the babeltrace2 graph (ports)\n");
            goto out;
        }
    }
    const bt_port_output *last_out = bt_component_filter_borrow_output_port_by_index_const(mux, 0);

    if (o->begin || o->end) {
        bt_value *tp = bt_value_map_create();
        char b1[32], b2[32];
        if (!tp ||
            (o->begin && bt_value_map_insert_string_entry(
                             tp, "begin", trim_time(o->begin, o->have_begin_ns, o->begin_ns, b1))) ||
            (o->end && bt_value_map_insert_string_entry(
                           tp, "end", trim_time(o->end, o->have_end_ns, o->end_ns, b2)))) {
            bt_value_put_ref(tp);
            goto out;
        }
        const bt_component_filter *trim;
        int r = bt_graph_add_filter_component(g, trim_cls, "trimmer", tp, BT_LOGGING_LEVEL_NONE,
                                              &trim);
        bt_value_put_ref(tp);
        if (r) {
            take_error(cause, sizeof cause);
            fprintf(stderr, TL_PROG ": invalid --begin/--end: %s (give ns from origin, "
                    "SECONDS.NANO, HH:MM:SS.NANO or 'YYYY-MM-DD HH:MM:SS')\n", cause);
            status = TL_EXIT_USAGE;
            goto out;
        }
        if (connect_ports(g, last_out, bt_component_filter_borrow_input_port_by_index_const(trim, 0)))
            goto out;
        last_out = bt_component_filter_borrow_output_port_by_index_const(trim, 0);
    }

    struct tl_sink_data data = {.model = m};
    const bt_component_sink *sink;
    if (bt_graph_add_sink_component_with_initialize_method_data(
            g, sink_cls, "timeline", NULL, &data, BT_LOGGING_LEVEL_NONE, &sink) ||
        connect_ports(g, last_out, bt_component_sink_borrow_input_port_by_index_const(sink, 0))) {
        fprintf(stderr, TL_PROG ": cannot set up the babeltrace2 graph (sink)\n");
        goto out;
    }

    interrupter = bt_graph_borrow_default_interrupter(g);
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    for (;;) {
        bt_graph_run_status rs = bt_graph_run(g);
        if (rs == BT_GRAPH_RUN_STATUS_OK ||
            (rs == BT_GRAPH_RUN_STATUS_AGAIN && bt_interrupter_is_set(interrupter))) {
            status = TL_EXIT_OK; /* interrupted: show what was read */
            break;
        }
        if (rs == BT_GRAPH_RUN_STATUS_AGAIN) {
            usleep(100000); /* live: no data yet */
            continue;
        }
        take_error(cause, sizeof cause);
        if (live && strstr(cause, "session-not-found-action"))
            fprintf(stderr, TL_PROG ": %s: no such live session on the relay daemon (list "
                    "them: babeltrace2 -i lttng-live net://HOST[:PORT])\n", o->input);
        else if (live)
            fprintf(stderr, TL_PROG ": %s: reading the live session failed: %s\n", o->input,
                    cause);
        else
            fprintf(stderr, TL_PROG ": %s: the trace is damaged or truncated: %s\n", o->input,
                    cause);
        break;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    interrupter = NULL;
out:
    bt_graph_put_ref(g);
    bt_value_put_ref(params);
    bt_component_class_sink_put_ref(sink_cls);
    bt_plugin_put_ref(ctf);
    bt_plugin_put_ref(utils);
    return status;
}
