/*
 * options.c — libmap-record's command line: parsing, checking, --help.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"

#define DEFAULT_BUFFER_SIZE ((size_t)4 << 20)
#define MIN_BUFFER_SIZE ((size_t)16 << 10)

static const char usage_text[] =
    "usage: libmap-record [OPTIONS] -- COMMAND [ARGS...]\n"
    "\n"
    "Run COMMAND under a new LTTng session that records libmap's tracepoints\n"
    "(see docs/tracepoints.md) of COMMAND and the processes it starts (as root;\n"
    "otherwise of COMMAND's own process only), then end the session and print\n"
    "where the trace is. Starts lttng-sessiond if none is running; the last\n"
    "libmap-record to end stops such a daemon once it holds no session. COMMAND\n"
    "dies with libmap-record. The probe library is preloaded into COMMAND\n"
    "(LD_PRELOAD).\n"
    "\n"
    "Modes:\n"
    "  (default)            record every event to the --output directory\n"
    "  --flight             flight recorder: keep the last --buffer-size of events\n"
    "                       per CPU in an overwrite ring buffer (per-UID buffers);\n"
    "                       a trigger on libmap:panic saves a snapshot, and so does\n"
    "                       COMMAND dying by a signal without a panic\n"
    "  --relayd URL         stream to the lttng-relayd at URL\n"
    "                       (net://HOST[:CONTROL_PORT[:DATA_PORT]]); with --flight,\n"
    "                       snapshots go there\n"
    "  --live[=USEC]        live session on the relay daemon (default --relayd\n"
    "                       net://127.0.0.1), live timer USEC (default 1000000)\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR     trace or snapshot directory (default:\n"
    "                       ./libmap-trace-DATE-TIME); must be empty, except with\n"
    "                       --flight which adds snapshot-* directories to it\n"
    "  --buffer-size SIZE   ring buffer per CPU, suffix k, M or G (default 4M)\n"
    "  --debug-events       also record lookups and iteration (DEBUG log level)\n"
    "  --session NAME       session name (default: libmap-record-PID-TIME)\n"
    "  --probe PATH         probe library to preload (default: the installed\n"
    "                       liblibmap-lttng.so)\n"
    "  -q, --quiet          print errors only\n"
    "  -h, --help           show this help\n"
    "\n"
    "Contexts vtid, vpid and procname are added to every event.\n"
    "\n"
    "Exit status: COMMAND's; 128+N if it was killed by signal N; 125 if\n"
    "libmap-record failed before running it; 126 if COMMAND could not be\n"
    "executed; 127 if it was not found.\n";

enum { OPT_FLIGHT = 256, OPT_BUFFER_SIZE, OPT_RELAYD, OPT_LIVE, OPT_DEBUG, OPT_SESSION, OPT_PROBE };

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"flight", no_argument, NULL, OPT_FLIGHT},
    {"buffer-size", required_argument, NULL, OPT_BUFFER_SIZE},
    {"relayd", required_argument, NULL, OPT_RELAYD},
    {"live", optional_argument, NULL, OPT_LIVE},
    {"debug-events", no_argument, NULL, OPT_DEBUG},
    {"session", required_argument, NULL, OPT_SESSION},
    {"probe", required_argument, NULL, OPT_PROBE},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "4M", "512k", "1048576" -> bytes; 0 on error. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || s[0] == '-')
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case '\0':
        break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default:
        return 0;
    }
    if (*end == 'i' || *end == 'B')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end != '\0' || v > (SIZE_MAX >> shift))
        return 0;
    return (size_t)v << shift;
}

static bool valid_session_name(const char *s)
{
    if (*s == '\0' || strlen(s) > 200)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

static char *absolute(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return NULL;
    char *r;
    if (asprintf(&r, "%s/%s", cwd, path) < 0)
        return NULL;
    return r;
}

static bool dir_has_entries(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return false;
    struct dirent *e;
    bool any = false;
    while (!any && (e = readdir(d)) != NULL)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

static char *default_name(const char *fmt)
{
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    char *r;
    if (asprintf(&r, fmt, stamp, (long)getpid()) < 0)
        return NULL;
    return r;
}

static int usage_error(const char *msg, const char *arg)
{
    if (arg != NULL)
        fail("%s: %s (see --help)", msg, arg);
    else
        fail("%s (see --help)", msg);
    return EXIT_RECORD_FAILED;
}

int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->buffer_size = DEFAULT_BUFFER_SIZE;
    o->live_timer_us = -1;
    bool live = false;
    const char *output = NULL;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case OPT_FLIGHT:
            o->flight = true;
            break;
        case OPT_BUFFER_SIZE:
            o->buffer_size = parse_size(optarg);
            if (o->buffer_size < MIN_BUFFER_SIZE)
                return usage_error("--buffer-size must be a size of at least 16k", optarg);
            break;
        case OPT_RELAYD:
            if (strncmp(optarg, "net://", 6) != 0 && strncmp(optarg, "net6://", 7) != 0)
                return usage_error("--relayd wants a URL net://HOST[:PORT[:PORT]]", optarg);
            o->relayd_url = optarg;
            break;
        case OPT_LIVE:
            live = true;
            if (optarg != NULL) {
                char *end;
                o->live_timer_us = strtol(optarg, &end, 10);
                if (*end != '\0' || o->live_timer_us <= 0)
                    return usage_error("--live wants a timer in microseconds", optarg);
            }
            break;
        case OPT_DEBUG:
            o->debug_events = true;
            break;
        case OPT_SESSION:
            if (!valid_session_name(optarg))
                return usage_error("--session wants letters, digits, '-', '_' or '.'", optarg);
            o->session = optarg;
            break;
        case OPT_PROBE:
            o->probe = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return -1;
        default:
            if (optopt != 0 && optopt < 256)
                return usage_error("unknown option or missing argument", (char[]){'-', (char)optopt, 0});
            return usage_error("unknown option or missing argument", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("missing COMMAND: libmap-record [OPTIONS] -- COMMAND [ARGS...]", NULL);
    o->command = argv + optind;

    if (live && o->flight)
        return usage_error("--live and --flight cannot be combined", NULL);
    if (output != NULL && (o->relayd_url != NULL || live))
        return usage_error("--output is for local traces; the relay daemon chooses where "
                           "streamed traces go", NULL);
    if (live && o->relayd_url == NULL)
        o->relayd_url = "net://127.0.0.1";
    o->mode = live ? MODE_LIVE : o->flight ? MODE_FLIGHT : o->relayd_url ? MODE_STREAM : MODE_LOCAL;

    if (o->relayd_url == NULL) {
        char *dflt = NULL;
        if (output == NULL)
            output = dflt = default_name(o->flight ? "libmap-trace-%s-flight" : "libmap-trace-%s");
        o->output = o->owned[0] = output ? absolute(output) : NULL;
        free(dflt);
        if (o->output == NULL)
            return usage_error("cannot make the output directory path absolute", output);
        if (!o->flight && dir_has_entries(o->output))
            return usage_error("the output directory is not empty; choose another with --output",
                               o->output);
    }
    if (o->session == NULL) {
        char *name;
        if (asprintf(&name, "libmap-record-%ld-%ld", (long)getpid(), (long)time(NULL)) < 0)
            return usage_error("out of memory", NULL);
        o->session = o->owned[1] = name;
    }
    return 0;
}

void options_free(struct options *o)
{
    free(o->owned[0]);
    free(o->owned[1]);
    o->owned[0] = o->owned[1] = NULL;
}
