/*
 * main.c — libmap-coredump's command line: parse the invocation forms
 * (EXE CORE, -e EXE --core CORE, EXE -c CORE), run the analysis in a
 * forked child with a time limit (as systemd parses untrusted cores: a
 * crash or hang in the analyzer or in libdw on a damaged core becomes a
 * clear message and exit code 4, never a hung caller), print the report.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis.h"
#include "closeout.h"

#ifndef LIBMAP_COREDUMP_VERSION
#define LIBMAP_COREDUMP_VERSION "0.1.0"
#endif

static void usage(FILE *o)
{
    fputs(
        "usage: libmap-coredump [options] EXE CORE\n"
        "       libmap-coredump [options] -e EXE --core CORE\n"
        "       libmap-coredump [options] EXE -c CORE\n"
        "\n"
        "Postmortem analysis of a process that used libmap: the panic record (which\n"
        "threads raced) or a race the run-time check missed, their symbolized stacks,\n"
        "the map's state bucket by bucket (also while growing), and a verification of\n"
        "the map's invariants.\n"
        "\n"
        "options:\n"
        "  -e, --executable EXE  the program that dumped the core\n"
        "  -c, --core CORE       the core file\n"
        "      --json            print the whole analysis as JSON (docs/coredump-json.md)\n"
        "      --buckets         print every bucket, old and new, with overflow chains\n"
        "      --threads         print every thread's stack\n"
        "      --all-maps        list every map in libmap's registry\n"
        "      --map ADDR        analyze the map at ADDR (default: the map in the panic\n"
        "                        record, else the most recent map in the registry)\n"
        "      --timeout SECS    give up after SECS seconds (default 600, 0: never)\n"
        "      --no-sandbox      analyze in this process instead of a forked child\n"
        "      --progress        progress on stderr (default: when stderr is a terminal)\n"
        "      --force           analyze even if EXE's build ID is not the one the core\n"
        "                        records (the report is marked)\n"
        "  -h, --help            this help\n"
        "      --version         print the version\n"
        "\n"
        "Debug information is found next to the binaries, in /usr/lib/debug, or through\n"
        "debuginfod when DEBUGINFOD_URLS is set.\n"
        "\n"
        "exit status:\n"
        "  0  analysis complete, the map verified\n"
        "  1  the map breaks an invariant (details in the report)\n"
        "  2  usage error, or the core cannot be analyzed (not a core, libmap not found,\n"
        "     the executable's build ID is not the core's), or the report cannot be written\n"
        "  3  incomplete: some memory is missing from the core (truncated or not saved)\n"
        "  4  internal error: the analysis crashed or timed out\n"
        "  5  no panic record, but the process died of SIGSEGV or SIGBUS inside libmap\n"
        "     while another thread held a map for writing or was inside a write: a\n"
        "     probable race not detected at run time (the report's first line)\n",
        o);
}

enum {
    OPT_JSON = 256,
    OPT_BUCKETS,
    OPT_THREADS,
    OPT_ALL_MAPS,
    OPT_MAP,
    OPT_TIMEOUT,
    OPT_NO_SANDBOX,
    OPT_PROGRESS,
    OPT_VERSION,
    OPT_FORCE,
};

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"executable", required_argument, NULL, 'e'},
        {"core", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, OPT_JSON},
        {"buckets", no_argument, NULL, OPT_BUCKETS},
        {"threads", no_argument, NULL, OPT_THREADS},
        {"all-maps", no_argument, NULL, OPT_ALL_MAPS},
        {"map", required_argument, NULL, OPT_MAP},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"force", no_argument, NULL, OPT_FORCE},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->sandbox = 1;
    o->timeout = 600;
    o->progress = isatty(2);
    int c;
    uint64_t v;
    while ((c = getopt_long(argc, argv, "e:c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            o->exe = optarg;
            break;
        case 'c':
            o->core = optarg;
            break;
        case OPT_JSON:
            o->json = 1;
            break;
        case OPT_BUCKETS:
            o->buckets = 1;
            break;
        case OPT_THREADS:
            o->threads = 1;
            break;
        case OPT_ALL_MAPS:
            o->all_maps = 1;
            break;
        case OPT_MAP:
            if (parse_u64(optarg, &o->map_addr) != 0 || o->map_addr == 0) {
                fprintf(stderr, "libmap-coredump: --map needs an address, e.g. 0x55d0c8a012a0\n");
                return -1;
            }
            o->have_map_addr = 1;
            break;
        case OPT_TIMEOUT:
            if (parse_u64(optarg, &v) != 0 || v > 86400 * 7) {
                fprintf(stderr, "libmap-coredump: --timeout needs a number of seconds\n");
                return -1;
            }
            o->timeout = (unsigned)v;
            break;
        case OPT_NO_SANDBOX:
            o->sandbox = 0;
            break;
        case OPT_PROGRESS:
            o->progress = 1;
            break;
        case OPT_FORCE:
            o->force = 1;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        case OPT_VERSION:
            printf("libmap-coredump %s\n", LIBMAP_COREDUMP_VERSION);
            exit(EXIT_OK);
        default:
            return -1;
        }
    }
    /* operands (getopt moved them last): EXE CORE, or the one not given
     * as an option */
    for (; optind < argc; optind++) {
        const char *arg = argv[optind];
        if (o->exe == NULL)
            o->exe = arg;
        else if (o->core == NULL)
            o->core = arg;
        else {
            fprintf(stderr, "libmap-coredump: unexpected argument '%s'\n", arg);
            return -1;
        }
    }
    return 0;
}

static int run(const struct options *o)
{
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    struct analysis a;
    int rc = analyze(&a, o);
    if (rc != 0 && !o->json)
        fprintf(stderr, "libmap-coredump: %s\n", a.fatal);
    if (o->json)
        report_json(&a, stdout);
    else if (rc == 0)
        report_text(&a, stdout);
    fflush(stdout);
    phase_done("report");
    int code = analysis_exit_code(&a);
    if (rc != 0 && o->json)
        fprintf(stderr, "libmap-coredump: %s\n", a.fatal);
    analysis_free(&a);
    return code;
}

/* Refuse at once what cannot be an executable or a core: a FIFO or a
 * device would block the reader, a directory or an empty file is a
 * mistake. One line, naming the path and what it is. */
static int check_input(const char *path, const char *what)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "libmap-coredump: %s %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    const char *kind = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : !S_ISREG(st.st_mode) ? "not a regular file"
                       : st.st_size == 0      ? "an empty file"
                                              : NULL;
    if (kind == NULL)
        return 0;
    fprintf(stderr, "libmap-coredump: %s %s is %s: give the %s file itself\n", what, path, kind,
            what);
    return -1;
}

static const char *sig_str(int sig)
{
    const char *s = strsignal(sig);
    return s ? s : "?";
}

int main(int argc, char **argv)
{
    closeout_at_exit("libmap-coredump", EXIT_INPUT);
    struct options o;
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return EXIT_INPUT;
    }
    if (o.exe == NULL || o.core == NULL) {
        fprintf(stderr, "libmap-coredump: need both the executable and the core\n");
        usage(stderr);
        return EXIT_INPUT;
    }
    if (check_input(o.exe, "executable") != 0 || check_input(o.core, "core") != 0)
        return EXIT_INPUT;
    if (!o.sandbox) {
        if (o.timeout)
            alarm(o.timeout);
        return run(&o);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("libmap-coredump: fork");
        return run(&o);
    }
    if (pid == 0) {
        /* the analysis dies with its parent, and within the time limit */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(EXIT_INTERNAL);
        if (o.timeout)
            alarm(o.timeout);
        exit(run(&o)); /* exit, not _exit: closeout checks the report was written */
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            perror("libmap-coredump: waitpid");
            return EXIT_INTERNAL;
        }
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    int sig = WTERMSIG(st);
    if (sig == SIGALRM)
        fprintf(stderr, "libmap-coredump: analysis timed out after %u s (see --timeout)\n",
                o.timeout);
    else
        fprintf(stderr,
                "libmap-coredump: internal error: the analysis died of signal %d (%s); the core "
                "is probably damaged in a way the analyzer does not handle yet; please report\n",
                sig, sig_str(sig));
    return EXIT_INTERNAL;
}
