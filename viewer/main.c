/*
 * main.c — libmap-timeline: read a libmap trace (a CTF directory or an
 * LTTng live session) and show the map operations per thread on a
 * timeline, the race report and a summary; or --summary, --race, --json,
 * --chrome FILE, --html FILE. See docs/libmap-timeline.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "closeout.h"
#include "viewer.h"

#ifndef LIBMAP_TIMELINE_VERSION
#define LIBMAP_TIMELINE_VERSION "0"
#endif

static void usage(FILE *f)
{
    fputs("usage: libmap-timeline [OPTIONS] TRACE-DIR | net://HOST[:PORT]/host/HOSTNAME/SESSION\n"
          "\n"
          "Shows the libmap map operations of a trace per thread on a timeline, the race\n"
          "report (the two colliding writes of a panic, and every overlapping write pair\n"
          "from different threads) and a summary. With a panic the view opens on the race.\n"
          "\n"
          "Selection:\n"
          "  --pid PID           only process PID (a trace may hold several; the report\n"
          "                      lists every process and every panic)\n"
          "  --map ADDR          only the map at ADDR (e.g. 0x55d0c2a0)\n"
          "  --begin TIME        skip events before TIME: ns from origin, SECONDS.NANO,\n"
          "  --end TIME            HH:MM:SS[.NANO] or 'YYYY-MM-DD HH:MM:SS[.NANO]'\n"
          "  --last DURATION     the window of DURATION (5ms, 200us, 1s) ending at the\n"
          "                      panic, or at the end of the trace\n"
          "Output (default: timeline, race report, summary line):\n"
          "  --summary           operations per thread and map, grows, evacuations,\n"
          "                      write latency percentiles, discarded events\n"
          "  --race              the race report only\n"
          "  --json              race report and summary as JSON on stdout\n"
          "  --chrome FILE       write Chrome trace-event JSON (Perfetto UI, chrome://tracing)\n"
          "  --html FILE         write a self-contained HTML page with an SVG timeline\n"
          "  --width N           columns of the timeline (default: the terminal's)\n"
          "  --color[=WHEN]      auto (default: when stdout is a terminal), always, never\n"
          "  -h, --help          this help\n"
          "  --version           the version\n"
          "\n"
          "Exit status: 0 no race, 1 a race was reported, 2 usage error, 3 bad input\n"
          "(missing or damaged trace, no libmap events, unreachable relay daemon),\n"
          "4 an output file could not be written.\n", f);
}

static int usage_error(const char *msg)
{
    fprintf(stderr, TL_PROG ": %s; try --help\n", msg);
    return TL_EXIT_USAGE;
}

static int view(const struct tl_options *opt);

/* babeltrace2 2.0 asserts (SIGABRT) on some damaged packet headers, and a
 * damaged trace may crash it otherwise: the job runs in a child process
 * (as libmap-coredump sandboxes its analysis), and a crash there becomes
 * one line naming the trace, exit 3 (bad input). Signals that stop the
 * job from outside (Ctrl-C, a closed pipe) end this process the same way.
 * LIBMAP_TIMELINE_NO_SANDBOX=1 runs it in-process (debugging). */

/* The child's stderr, held back until it is known whether the child
 * crashed: then babeltrace2's own assertion text is replaced by one line.
 * Passed through at once when stderr is a terminal (progress) or past
 * STDERR_HOLD bytes. */
#define STDERR_HOLD (256 * 1024)

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w, n -= (size_t)w;
    }
}

/* Where babeltrace2 failed ("msg-iter.c:1111"), from its assertion text. */
static void failure_site(const char *text, char *out, size_t len)
{
    out[0] = 0;
    const char *p = strstr(text, ".c:");
    if (p == NULL || strstr(text, "Assertion") == NULL)
        return;
    const char *b = p, *e = p + 3;
    while (b > text && b[-1] != ' ' && b[-1] != '\n')
        b--;
    while (*e >= '0' && *e <= '9')
        e++;
    snprintf(out, len, " at %.*s", (int)(e - b), b);
}

/* Read the child's stderr until it closes. Returns what was held back
 * (malloc'd, NUL-terminated, *n bytes), or NULL once it grew past
 * STDERR_HOLD and was passed on as it came. */
static char *hold_stderr(int fd, size_t *n)
{
    char *held = malloc(STDERR_HOLD + 1), buf[4096];
    *n = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (held != NULL && *n + (size_t)r <= STDERR_HOLD) {
            memcpy(held + *n, buf, (size_t)r);
            *n += (size_t)r;
            continue;
        }
        if (held != NULL)
            write_all(2, held, *n);
        free(held);
        held = NULL;
        write_all(2, buf, (size_t)r);
    }
    if (held != NULL)
        held[*n] = 0;
    return held;
}

static int crash_signal(int sig)
{
    return sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
           sig == SIGTRAP || sig == SIGSYS;
}

static int view_in_child(const struct tl_options *o)
{
    int fds[2] = {-1, -1};
    int hold = !isatty(2) && pipe(fds) == 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        if (hold)
            close(fds[0]), close(fds[1]);
        return view(o);
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (hold) {
            dup2(fds[1], 2);
            close(fds[0]);
            close(fds[1]);
        }
        exit(view(o)); /* exit, not _exit: the stdout check runs here */
    }
    char *held = NULL;
    size_t nheld = 0;
    if (hold) {
        close(fds[1]);
        held = hold_stderr(fds[0], &nheld);
        close(fds[0]);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    char site[160] = "";
    if (held != NULL && crash_signal(sig))
        failure_site(held, site, sizeof site);
    else if (held != NULL)
        write_all(2, held, nheld);
    free(held);
    if (!sig)
        return WIFEXITED(st) ? WEXITSTATUS(st) : TL_EXIT_INPUT;
    if (crash_signal(sig)) {
        fprintf(stderr,
                TL_PROG ": %s: reading the trace crashed babeltrace2 (%s%s): the trace is "
                        "damaged; try the snapshot before it, or cut the damaged stream file\n",
                o->input, strsignal(sig), site);
        return TL_EXIT_INPUT;
    }
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"map", required_argument, NULL, 0},     {"begin", required_argument, NULL, 0},
        {"pid", required_argument, NULL, 0},
        {"end", required_argument, NULL, 0},     {"last", required_argument, NULL, 0},
        {"summary", no_argument, NULL, 0},       {"race", no_argument, NULL, 0},
        {"json", no_argument, NULL, 0},          {"chrome", required_argument, NULL, 0},
        {"html", required_argument, NULL, 0},    {"width", required_argument, NULL, 0},
        {"color", optional_argument, NULL, 0},   {"colour", optional_argument, NULL, 0},
        {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    closeout_at_exit("libmap-timeline", 4);
    struct tl_options o = {0};
    char err[256];
    opterr = 0;
    for (;;) {
        int idx = -1;
        int c = getopt_long(argc, argv, "h", longopts, &idx);
        if (c == -1)
            break;
        if (c == 'h') {
            usage(stdout);
            return TL_EXIT_OK;
        }
        if (c == 'V') {
            printf("libmap-timeline %s (babeltrace2 %u.%u.%u)\n", LIBMAP_TIMELINE_VERSION,
                   bt_version_get_major(), bt_version_get_minor(), bt_version_get_patch());
            return TL_EXIT_OK;
        }
        if (c == '?') {
            snprintf(err, sizeof err, "unknown option or missing value: '%s'", argv[optind - 1]);
            return usage_error(err);
        }
        const char *name = longopts[idx].name;
        if (strcmp(name, "colour") == 0)
            name = "color";
        const char *val = optarg;
        if (strcmp(name, "color") == 0 && !val)
            val = "always";
        if (tl_opt_set(&o, name, val, err, sizeof err) != 0)
            return usage_error(err);
    }
    if (optind == argc)
        return usage_error("give a trace directory or a net:// live URL");
    if (argc - optind > 1)
        return usage_error("give one trace directory or live URL");
    o.input = argv[optind];
    if (o.summary + o.race + o.json > 1)
        return usage_error("choose one of --summary, --race and --json");
#ifndef LIBMAP_TIMELINE_HAVE_EXPORT
    if (o.chrome || o.html)
        return usage_error("--chrome/--html: not built");
#endif

    if (getenv("LIBMAP_TIMELINE_NO_SANDBOX") == NULL)
        return view_in_child(&o);
    return view(&o);
}

/* Read, analyze and print (the whole job), in this process. */
static int view(const struct tl_options *opt)
{
    struct tl_options o = *opt;
    char err[256];
    struct tl_model m;
    tl_model_init(&m, !(o.summary || o.race || o.json) || o.chrome || o.html);
    m.only_pid = o.pid;
    int status = tl_read_trace(&o, &m);
    if (status == TL_EXIT_OK) {
        const char *problem = tl_model_problem(&m, err, sizeof err);
        if (problem) {
            fprintf(stderr, TL_PROG ": %s: %s\n", o.input, problem);
            /* a --pid the trace does not hold is a wrong argument, as --map's */
            status = m.only_pid && m.nfiltered_events ? TL_EXIT_USAGE : TL_EXIT_INPUT;
        } else {
            tl_analyze(&m);
            status = tl_output(&m, &o, stdout);
        }
    }
    tl_model_free(&m);
    return status;
}
