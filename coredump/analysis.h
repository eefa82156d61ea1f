/*
 * analysis.h — everything the analyzer learns from one core, gathered in
 * one place for the reports: options, the core and its notes, the libdwfl
 * session, the layout, the panic record, the registry, the threads, the
 * diagnosis of a crash the run-time check missed, the selected map with
 * its verification, and warnings for the user.
 */
#ifndef LIBMAP_COREDUMP_ANALYSIS_H
#define LIBMAP_COREDUMP_ANALYSIS_H

#include <stdint.h>

#include "coremem.h"
#include "diagnose.h"
#include "layout_find.h"
#include "mapread.h"
#include "notes.h"
#include "panicrec.h"
#include "process.h"
#include "stacks.h"
#include "verify.h"

/* Exit codes (also in --help). */
#define EXIT_OK 0          /* analysis complete; the map verified */
#define EXIT_VERIFY 1      /* the map breaks an invariant */
#define EXIT_INPUT 2       /* usage error, or the core cannot be analyzed */
#define EXIT_INCOMPLETE 3  /* some data missing from the core (truncated, not saved) */
#define EXIT_INTERNAL 4    /* the analyzer itself crashed or timed out */
#define EXIT_PROBABLE_RACE 5 /* no panic, but a crash inside libmap during another thread's
                                write: a probable race not detected at run time */

struct options {
    const char *exe, *core;
    int json, buckets, threads, all_maps;
    int have_map_addr;
    uint64_t map_addr;
    int sandbox;           /* analyze in a forked child (default on) */
    unsigned timeout;      /* seconds, 0 = none */
    int progress;          /* progress on stderr */
    int force;             /* analyze even if EXE's build ID is not the core's */
};

struct map_summary {
    struct lm_map map;
    int ok;
    char error[256];
};

struct analysis {
    const struct options *opt;
    struct coremem cm;
    struct core_notes notes;
    struct proc proc;
    int have_proc;
    struct lm_layout lay;
    Dwfl_Module *lay_mod;   /* the module defining the layout descriptor */
    int have_layout;
    struct panic_info panic;
    struct registry_info reg;
    struct threads threads;
    struct diagnosis diag;  /* a race the run-time check missed (diagnose.h) */
    int have_map;
    const char *map_source; /* "option", "panic", "held", "registry" */
    struct lm_map map;
    char map_error[256];
    struct vresult ver;
    struct map_summary *all;
    size_t nall;
    char **warnings;
    size_t nwarnings;
    int incomplete;
    char fatal[1024];       /* set when the analysis could not proceed */
    char exe_build_id[128];      /* of the EXE given ("" if none) */
    char core_exe_build_id[128]; /* of the core's executable ("" if unknown) */
    int build_id_mismatch;       /* they differ (analyzed anyway: --force) */
    char exe_used[1024];         /* the core's executable found by build ID instead, or "" */
};

/* Run the analysis; never exits. Returns 0, or -1 with a->fatal set. */
int analyze(struct analysis *a, const struct options *opt);
void analysis_free(struct analysis *a);
/* Record a warning (also printed on stderr unless quiet). */
void warn(struct analysis *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int analysis_exit_code(const struct analysis *a);

/* Reports (report_text.c, report_json.c). */
void report_text(struct analysis *a, FILE *out);
void report_json(struct analysis *a, FILE *out);

/* With LIBMAP_COREDUMP_TIMING set, print the time since the previous call
 * on stderr, labelled (for the benchmark in docs/performance.md). */
void phase_done(const char *name);

/* Shared by both reports: a thread parked in libmap's panic path
 * (report_text.c). */
int thread_in_panic_path(const struct thread *t);

/* Shared by both reports: the entries and buckets passes. */
const char *signal_name(int sig);

#endif
