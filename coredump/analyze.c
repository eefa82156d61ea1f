/*
 * analyze.c — the analysis in order: open the core, read its notes, report
 * its modules to libdwfl, load libmap's layout, read the panic record and
 * the registry, scan the registry's writer words, unwind the threads, pick
 * the map and verify it, diagnose a crash the run-time check missed (see
 * analysis.h). Problems that stop the analysis set a->fatal; everything
 * else becomes a warning and the analysis goes on with what is readable.
 */
#include "analysis.h"
#include "buildid.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void warn(struct analysis *a, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "libmap-coredump: %s\n", buf);
    char **n = realloc(a->warnings, (a->nwarnings + 1) * sizeof *n);
    if (n == NULL)
        return;
    a->warnings = n;
    a->warnings[a->nwarnings] = strdup(buf);
    if (a->warnings[a->nwarnings] != NULL)
        a->nwarnings++;
}

const char *signal_name(int sig)
{
    switch (sig) {
    case SIGABRT:
        return "SIGABRT";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGSYS:
        return "SIGSYS";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    }
    return "?";
}

/* LIBMAP_COREDUMP_THREADS=N forces N verification slices whatever the
 * map's size (tests); else 0, the inspector's choice. */
static unsigned verify_threads(void)
{
    const char *e = getenv("LIBMAP_COREDUMP_THREADS");
    int n = e != NULL ? atoi(e) : 0;
    return n > 0 ? (unsigned)n : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void phase_done(const char *name)
{
    static int enabled = -1;
    static double last;
    if (enabled < 0) {
        enabled = getenv("LIBMAP_COREDUMP_TIMING") != NULL;
        last = now_s();
    }
    if (!enabled)
        return;
    double t = now_s();
    fprintf(stderr, "libmap-coredump: timing: %-28s %8.3f s\n", name, t - last);
    last = t;
}

static int progress_enabled;

/* Progress on stderr (a terminal), at most a few times a second. */
static void progress(const char *phase, uint64_t done, uint64_t total)
{
    static double last;
    if (!progress_enabled || total < (1u << 16))
        return;
    double t = now_s();
    if (done < total && t - last < 0.25)
        return;
    last = t;
    fprintf(stderr, "\rlibmap-coredump: %s: %3.0f%%%s", phase, 100.0 * (double)done / (double)total,
            done >= total ? "\n" : "");
    fflush(stderr);
}

static void check_debuginfo(struct analysis *a)
{
    Dwfl_Module *mods[2] = {a->lay_mod, proc_module_of_file(&a->proc, a->opt->exe)};
    if (mods[1] == mods[0])
        mods[1] = NULL;
    for (int i = 0; i < 2; i++) {
        if (mods[i] == NULL || proc_module_has_dwarf(mods[i]))
            continue;
        char id[128];
        proc_module_build_id(mods[i], id, sizeof id);
        const char *urls = getenv("DEBUGINFOD_URLS");
        int symbols = dwfl_module_getsymtab(mods[i]) > 0;
        warn(a,
             "no debug information for %s (build ID %s): stacks show %s without file:line "
             "or inlined calls; to get symbols, %s, install its -dbg or -dbgsym package, or "
             "point it at an unstripped copy (objcopy --add-gnu-debuglink)",
             proc_module_name(mods[i]), id[0] ? id : "unknown",
             symbols ? "symbol names" : "addresses only (no symbol table either)",
             urls && *urls ? "debuginfod at DEBUGINFOD_URLS did not have it: try another server"
                           : "set DEBUGINFOD_URLS");
    }
}

static void *collect_stacks(void *arg)
{
    struct analysis *a = arg;
    stacks_collect(&a->threads, &a->proc, a->lay_mod);
    return NULL;
}

/* Read the map at addr as the one to analyze (not yet verified). */
static void load_map(struct analysis *a, uint64_t addr)
{
    const struct options *o = a->opt;
    char err[256];
    if (map_read(&a->map, &a->lay, &a->cm.mem, addr, err, sizeof err) != 0) {
        if (o->have_map_addr && !cm_truncated(&a->cm)) {
            snprintf(a->fatal, sizeof a->fatal,
                     "--map 0x%" PRIx64 " is not a map in this core (%.200s): list the maps "
                     "with --all-maps",
                     addr, err);
            return;
        }
        snprintf(a->map_error, sizeof a->map_error, "%s", err);
        a->incomplete = 1;
        return;
    }
    if (o->have_map_addr && !a->map.magic_ok) {
        /* decoding a header that is not one would only mislead */
        snprintf(a->fatal, sizeof a->fatal,
                 "--map 0x%" PRIx64 " is not a live libmap map (its magic word is 0x%016" PRIx64
                 "): list the maps with --all-maps",
                 addr, a->map.magic);
        return;
    }
    a->have_map = 1;
}

static void select_map(struct analysis *a)
{
    const struct options *o = a->opt;
    uint64_t addr = 0;
    if (o->have_map_addr) {
        addr = o->map_addr;
        a->map_source = "option";
    } else if (a->panic.present && a->panic.map != 0) {
        addr = a->panic.map;
        a->map_source = "panic";
    } else if (a->diag.nheld > 0) {
        /* no panic, a SIGSEGV/SIGBUS core: the map another thread held */
        addr = a->diag.held[0].map;
        a->map_source = "held";
        if (a->diag.nheld > 1)
            warn(a, "%zu maps were held for writing by other threads when the process died; "
                    "showing one (choose with --map ADDR, list them with --all-maps)",
                 a->diag.nheld);
    } else if (a->reg.n >= 1) {
        addr = a->reg.maps[0];
        a->map_source = "registry";
        if (a->reg.n > 1)
            warn(a, "no panic record names a map; showing the most recently created of %zu "
                    "maps (choose one with --map ADDR, list them with --all-maps)",
                 a->reg.n);
    } else {
        snprintf(a->map_error, sizeof a->map_error, "no map to analyze: %s",
                 a->panic.unreadable || a->reg.unreadable
                     ? "the panic record and the registry are not readable in the core"
                     : "no panic record and no map in the registry");
        return;
    }
    load_map(a, addr);
}

int analyze(struct analysis *a, const struct options *opt)
{
    memset(a, 0, sizeof *a);
    a->opt = opt;
    a->cm.fd = -1;
    progress_enabled = opt->progress;
    phase_done("start");
    char err[512];
    if (cm_open(&a->cm, opt->core, err, sizeof err) != 0) {
        snprintf(a->fatal, sizeof a->fatal, "%s", err);
        return -1;
    }
    if (cm_truncated(&a->cm)) {
        a->incomplete = 1;
        warn(a,
             "core file %s is truncated: %" PRIu64 " of %" PRIu64 " bytes; memory past the cut is "
             "missing (the dump was cut short: raise the limit with `ulimit -c unlimited`)",
             opt->core, a->cm.size, a->cm.expected_size);
    }
    phase_done("open core");
    notes_read(&a->cm, &a->notes);
    if (a->notes.damaged)
        warn(a, "some notes of the core are damaged or missing");
    if (proc_open(&a->proc, &a->cm, opt->exe, err, sizeof err) != 0) {
        snprintf(a->fatal, sizeof a->fatal, "%s", err);
        return -1;
    }
    a->have_proc = 1;
    if (cm_truncated(&a->cm)) {
        char added[1024];
        if (proc_report_mapped_files(&a->proc, &a->notes, added, sizeof added) > 0)
            warn(a, "the core's list of loaded files is past the cut: taken from its NT_FILE "
                    "note and the files on disk, unverified by build ID: %s",
                 added);
    }
    if (check_build_ids(a, opt->force) != 0)
        return -1;
    proc_add_file_fallbacks(&a->proc);
    phase_done("libdwfl: modules");
    if (layout_load(&a->lay, &a->lay_mod, &a->proc, &a->cm, err, sizeof err) != 0) {
        if (cm_truncated(&a->cm))
            snprintf(a->fatal, sizeof a->fatal,
                     "%.700s; the core is truncated, so the list of loaded libraries may be "
                     "past the cut (raise the limit with `ulimit -c unlimited`)",
                     err);
        else
            snprintf(a->fatal, sizeof a->fatal, "%.1000s", err);
        return -1;
    }
    a->have_layout = 1;
    if (a->lay.note[0])
        warn(a, "%s", a->lay.note);
    panic_read(&a->panic, &a->lay, &a->cm.mem);
    registry_read(&a->reg, &a->lay, &a->cm.mem);
    phase_done("layout, panic, registry");
    if (a->panic.unreadable) {
        a->incomplete = 1;
        warn(a, "%s", a->panic.error);
    }
    if (a->reg.error[0])
        warn(a, "registry: %s", a->reg.error);
    if (a->reg.unreadable)
        a->incomplete = 1;
    diagnose_scan(&a->diag, &a->notes, &a->panic, &a->reg, &a->lay, &a->cm);
    /* Unwinding (libdwfl) and verification (the core's memory) share
     * nothing: on a large map they run side by side. */
    pthread_t unwinder;
    int threaded = pthread_create(&unwinder, NULL, collect_stacks, a) == 0;
    if (!threaded)
        collect_stacks(a);
    select_map(a);
    if (a->map_error[0])
        warn(a, "%s", a->map_error);
    if (a->have_map) {
        verify_map(&a->ver, &a->map, &a->lay, &a->cm.mem, verify_threads(), progress);
        if (a->ver.total_unreadable)
            a->incomplete = 1;
        phase_done("verify the map");
    }
    if (threaded)
        pthread_join(unwinder, NULL);
    if (a->fatal[0])
        return -1;
    phase_done("threads: unwind, symbolize");
    if (a->threads.error[0])
        warn(a, "%s", a->threads.error);
    diagnose_decide(&a->diag, &a->threads, &a->reg, &a->lay, &a->cm);
    /* the diagnosis may name another of the held maps than the one shown */
    if (a->diag.v.present && a->have_map && strcmp(a->map_source, "held") == 0 &&
        a->diag.v.map != 0 && a->diag.v.map != a->map.addr) {
        verify_free(&a->ver);
        memset(&a->ver, 0, sizeof a->ver);
        a->have_map = 0;
        load_map(a, a->diag.v.map);
        if (a->have_map) {
            verify_map(&a->ver, &a->map, &a->lay, &a->cm.mem, verify_threads(), progress);
            if (a->ver.total_unreadable)
                a->incomplete = 1;
        }
        if (a->fatal[0])
            return -1;
    }
    check_debuginfo(a);
    /* every map's header: --all-maps, JSON, and the locks held (a safe map's
     * inner maps are in the registry; their guards say who holds them) */
    if (a->reg.n > 0) {
        a->all = calloc(a->reg.n, sizeof *a->all);
        if (a->all != NULL) {
            a->nall = a->reg.n;
            for (size_t i = 0; i < a->reg.n; i++)
                a->all[i].ok = map_read(&a->all[i].map, &a->lay, &a->cm.mem, a->reg.maps[i],
                                        a->all[i].error, sizeof a->all[i].error) == 0;
        }
    }
    return 0;
}

void analysis_free(struct analysis *a)
{
    notes_free(&a->notes);
    verify_free(&a->ver);
    stacks_free(&a->threads);
    registry_free(&a->reg);
    diagnose_free(&a->diag);
    free(a->all);
    for (size_t i = 0; i < a->nwarnings; i++)
        free(a->warnings[i]);
    free(a->warnings);
    if (a->have_proc)
        proc_close(&a->proc);
    cm_close(&a->cm);
}

int analysis_exit_code(const struct analysis *a)
{
    if (a->fatal[0])
        return EXIT_INPUT;
    if (a->diag.v.present)
        return EXIT_PROBABLE_RACE;
    if (a->ver.total_failures)
        return EXIT_VERIFY;
    if (a->incomplete)
        return EXIT_INCOMPLETE;
    return EXIT_OK;
}
