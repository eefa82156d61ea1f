/*
 * harness.h — what the core-dump tests share: running a program with a
 * time limit and captured output, crashing a program in a fresh directory
 * so that the kernel writes its core there (ulimit -c unlimited, with
 * core_pattern "core"; a pipe pattern makes the tests skip), and reading
 * files. Exit code 77 tells ctest a test was skipped.
 */
#ifndef LIBMAP_TEST_CD_HARNESS_H
#define LIBMAP_TEST_CD_HARNESS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define TEST_SKIP 77

struct run {
    int status;      /* waitpid status */
    int timed_out;
    char *out, *err; /* captured stdout and stderr, NUL-terminated */
    size_t out_len, err_len;
};

/* Run argv (argv[0] a path) in dir (NULL: here) with env changes
 * ("NAME=VALUE" sets, "-NAME" unsets), core size unlimited when
 * core_unlimited, killed after timeout_s seconds. Returns 0 when it ran. */
int run_cmd(char *const argv[], const char *dir, char *const env[], int core_unlimited,
            unsigned timeout_s, struct run *r);
void run_free(struct run *r);
/* Exit code or 128+signal, for messages. */
int run_code(const struct run *r);

/* A fresh directory under $TMPDIR (or /tmp); caller frees. */
char *make_tmpdir(const char *tag);
void remove_tree(const char *dir);
char *read_file(const char *path, size_t *len);
int write_file(const char *path, const void *data, size_t len);

/* Whether cores land as files in the crashing process's directory; when
 * not, why (and the test should exit TEST_SKIP). */
int cores_as_files(char *why, size_t len);

/* Crash argv in a fresh directory; returns 0 when it died of SIGABRT with
 * a core, whose path is set (caller frees), with the captured output. */
struct crash {
    char *dir, *core;
    struct run run;
};
int crash_run(char *const argv[], char *const env[], struct crash *c, char *why, size_t whylen);
/* The same for a program that dies of signal sig (SIGSEGV...) with a core. */
int crash_run_signal(char *const argv[], char *const env[], int sig, struct crash *c, char *why,
                     size_t whylen);
void crash_free(struct crash *c, int keep);

/* "ASAN_OPTIONS=...:handle_segv=0:handle_sigbus=0", the caller's options
 * kept, for the environment of a program meant to die of SIGSEGV with a
 * core (in a sanitizer build ASan would catch the signal and exit). */
char *asan_keep_segv(void);

#endif
