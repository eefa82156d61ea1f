/*
 * test_debuginfod.c — debug info served by Debian's debuginfod:
 *   test_debuginfod ANALYZER FIXTURE LIBMAP_SO
 * Copies the fixture and libmap, splits off their debug info (objcopy
 * --only-keep-debug) and strips them; crashes the stripped fixture (with
 * the stripped libmap preloaded). Without DEBUGINFOD_URLS
 * the analyzer must say that debug info is missing and show symbol names
 * only; then debuginfod, started by the test on 127.0.0.1 (a free port)
 * over the split debug files, must let libdwfl find them: file:line and
 * inlined frames for both libmap and the fixture, and no warning. Skips
 * (77) when debuginfod, objcopy or strip is not installed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"
#include "minijson.h"


/* Full path of a program on PATH, or NULL. */
static char *which(const char *prog)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    char *dup = strdup(path), *save;
    for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s/%s", d, prog);
        if (access(buf, X_OK) == 0) {
            free(dup);
            return strdup(buf);
        }
    }
    free(dup);
    return NULL;
}

static int sh(char *const argv[])
{
    struct run r;
    if (run_cmd(argv, NULL, NULL, 0, 60, &r) != 0)
        return -1;
    int code = run_code(&r);
    if (code != 0)
        fprintf(stderr, "%s failed (%d): %s\n", argv[0], code, r.err);
    run_free(&r);
    return code;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &l) != 0)
        return -1;
    close(s);
    return ntohs(a.sin_port);
}

/* HTTP status of GET path on 127.0.0.1:port, or -1. */
static int http_status(int port, const char *path)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        if (s >= 0)
            close(s);
        return -1;
    }
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
    int status = -1;
    if (write(s, req, (size_t)n) == n) {
        char resp[64] = {0};
        if (read(s, resp, sizeof resp - 1) > 12)
            sscanf(resp, "HTTP/%*s %d", &status);
    }
    close(s);
    return status;
}

/* The build ID the analyzer names in its missing-debug-info warning. */
static int warned_build_id(const struct jval *rep, const char *module, char *id, size_t len)
{
    const struct jval *w = jget(rep, "warnings");
    for (size_t i = 0; w && i < w->n; i++) {
        const char *s = w->items[i]->s;
        char pat[128];
        snprintf(pat, sizeof pat, "no debug information for %s (build ID ", module);
        const char *p = strstr(s, pat);
        if (p && sscanf(p + strlen(pat), "%40[0-9a-f]", id) == 1 && len > 40)
            return 1;
    }
    return 0;
}

/* Frames of the writer thread: counts of named libmap frames with and
 * without file:line, and inlined frames. */
static void writer_frames(const struct jval *rep, int *with_file, int *without_file, int *inl,
                          int *fixture_file)
{
    *with_file = *without_file = *inl = *fixture_file = 0;
    const struct jval *th = jget(rep, "threads");
    for (size_t i = 0; th && i < th->n; i++) {
        if (strcmp(jstr(th->items[i], "role", ""), "writer") != 0)
            continue;
        const struct jval *fr = jget(th->items[i], "frames");
        for (size_t k = 0; fr && k < fr->n; k++) {
            const char *fn = jstr(fr->items[k], "function", "");
            const char *file = jstr(fr->items[k], "file", NULL);
            if (jbool(fr->items[k], "in_libmap", 0) && strncmp(fn, "libmap_", 7) == 0)
                (file ? (*with_file)++ : (*without_file)++);
            if (jbool(fr->items[k], "inlined", 0) && jbool(fr->items[k], "in_libmap", 0))
                (*inl)++;
            if (file && strstr(file, "fixture_race.c"))
                (*fixture_file)++;
        }
    }
}

static struct jval *analyze(const char *analyzer, const char *exe, const char *core, char **env,
                            int *code)
{
    char *argv[] = {(char *)analyzer, "--json", (char *)exe, (char *)core, NULL};
    struct run r;
    if (run_cmd(argv, NULL, env, 0, 180, &r) != 0)
        return NULL;
    *code = run_code(&r);
    char err[256];
    struct jval *j = json_parse(r.out, r.out_len, err, sizeof err);
    if (j == NULL)
        fprintf(stderr, "analyzer output: %s\n%s\n", err, r.err);
    run_free(&r);
    return j;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_debuginfod ANALYZER FIXTURE LIBMAP_SO\n");
        return 2;
    }
    const char *analyzer = argv[1], *fixture = argv[2], *libmap_so = argv[3];
    char why[1024];
    if (!cores_as_files(why, sizeof why)) {
        printf("SKIP: %s\n", why);
        return TEST_SKIP;
    }
    char *debuginfod = which("debuginfod"), *objcopy = which("objcopy"), *strip = which("strip"),
         *cp = which("cp");
    if (!debuginfod || !objcopy || !strip || !cp) {
        printf("SKIP: needs debuginfod, objcopy and strip (Debian: debuginfod binutils)\n");
        return TEST_SKIP;
    }
    char *dir = make_tmpdir("debuginfod");
    char lib[4096], dbg[4096], exe[4096], libso[4096], libdbg[4096], exedbg[4096], db[4096],
        cache[4096], ldpath[4200], log[4096];
    snprintf(lib, sizeof lib, "%.3000s/lib", dir);
    snprintf(dbg, sizeof dbg, "%.3000s/debug", dir);
    snprintf(exe, sizeof exe, "%.3000s/fixture", dir);
    snprintf(libso, sizeof libso, "%.3000s/libmap.so.0", lib);
    snprintf(libdbg, sizeof libdbg, "%.3000s/libmap.debug", dbg);
    snprintf(exedbg, sizeof exedbg, "%.3000s/fixture.debug", dbg);
    snprintf(db, sizeof db, "%.3000s/debuginfod.sqlite", dir);
    snprintf(cache, sizeof cache, "DEBUGINFOD_CACHE_PATH=%.3000s/cache", dir);
    /* LD_PRELOAD, not LD_LIBRARY_PATH: the fixture finds its libmap through
     * DT_RPATH, which LD_LIBRARY_PATH does not override; a preloaded
     * libmap.so.0 answers its DT_NEEDED by soname. */
    snprintf(ldpath, sizeof ldpath, "LD_PRELOAD=%.3000s", libso);
    snprintf(log, sizeof log, "%.3000s/debuginfod.log", dir);
    char mk[] = "/bin/mkdir";
    char *c1[] = {mk, "-p", lib, dbg, NULL};
    char *c2[] = {cp, "-L", (char *)libmap_so, libso, NULL};
    char *c3[] = {cp, (char *)fixture, exe, NULL};
    char *c4[] = {objcopy, "--only-keep-debug", libso, libdbg, NULL};
    char *c5[] = {objcopy, "--only-keep-debug", exe, exedbg, NULL};
    char *c6[] = {strip, "--strip-debug", libso, NULL};
    char *c7[] = {strip, "--strip-debug", exe, NULL};
    /* a copy of the stripped program for debuginfod to serve as the
     * executable of its build ID (phase 3) */
    char served[4200];
    snprintf(served, sizeof served, "%.3000s/fixture.served", dbg);
    char *c8[] = {cp, exe, served, NULL};
    char **steps[] = {c1, c2, c3, c4, c5, c6, c7, c8};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (sh(steps[i]) != 0) {
            fprintf(stderr, "FAIL: preparing the stripped binaries\n");
            return 1;
        }

    struct crash c;
    char *fargv[] = {exe, "small", NULL};
    /* Under ASan the preloaded libmap comes before the ASan runtime in the
     * library list, which ASan refuses unless told not to check. */
    static char asan[4200];
    const char *asan_old = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof asan, "ASAN_OPTIONS=%.4000s%sverify_asan_link_order=0",
             asan_old ? asan_old : "", asan_old && *asan_old ? ":" : "");
    char *fenv[] = {ldpath, asan, NULL};
    if (crash_run(fargv, fenv, &c, why, sizeof why) != 0) {
        fprintf(stderr, "FAIL: %s\n", why);
        return 1;
    }
    printf("stripped fixture crashed: %s\n", c.core);

    /* 1. no debuginfod: a clear message, names from the symbol tables */
    char *env1[] = {"-DEBUGINFOD_URLS", cache, NULL};
    int code;
    struct jval *rep = analyze(analyzer, exe, c.core, env1, &code);
    EXPECT(rep != NULL && code == 0, "analysis without debug info: exit %d", code);
    char libid[64] = "", exeid[64] = "";
    EXPECT(rep && warned_build_id(rep, "libmap.so.0", libid, sizeof libid),
           "no missing-debug-info warning for libmap.so.0");
    EXPECT(rep && warned_build_id(rep, "fixture", exeid, sizeof exeid),
           "no missing-debug-info warning for the fixture");
    int wf, wof, inl, ff;
    if (rep) {
        writer_frames(rep, &wf, &wof, &inl, &ff);
        EXPECT(wf == 0 && wof > 0, "without debug info: %d libmap frames with file:line, %d without",
               wf, wof);
    }
    json_free(rep);
    printf("without debuginfod: build IDs %s (libmap), %s (fixture) reported missing\n", libid,
           exeid);

    /* 2. debuginfod on loopback serving the split debug files */
    int port = free_port();
    EXPECT(port > 0, "no free port");
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    fflush(NULL);
    pid_t dpid = fork();
    if (dpid == 0) {
        setpgid(0, 0);
        /* the server dies with this test, also when ctest kills it at its
         * timeout (a server left behind was seen once) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        FILE *lf = freopen(log, "w", stdout);
        (void)lf;
        dup2(1, 2);
        execl(debuginfod, debuginfod, "-F", dbg, "-p", portstr, "-d", db, "-t", "0", "-g", "0",
              (char *)NULL);
        _exit(127);
    }
    char url[128], path[128];
    snprintf(path, sizeof path, "/buildid/%s/debuginfo", libid);
    int status = -1;
    time_t deadline = time(NULL) + 60;
    while (time(NULL) < deadline && (status = http_status(port, path)) != 200) {
        int st;
        if (waitpid(dpid, &st, WNOHANG) == dpid) {
            fprintf(stderr, "FAIL: debuginfod exited; log %s\n", log);
            return 1;
        }
        usleep(200000);
    }
    EXPECT(status == 200, "debuginfod does not serve %s (status %d); log %s", path, status, log);
    printf("debuginfod on 127.0.0.1:%d serves %s\n", port, path);

    snprintf(url, sizeof url, "DEBUGINFOD_URLS=http://127.0.0.1:%d", port);
    char *env2[] = {url, cache, "DEBUGINFOD_TIMEOUT=30", NULL};
    rep = analyze(analyzer, exe, c.core, env2, &code);
    EXPECT(rep != NULL && code == 0, "analysis with debuginfod: exit %d", code);
    if (rep) {
        char id[64];
        EXPECT(!warned_build_id(rep, "libmap.so.0", id, sizeof id) &&
                   !warned_build_id(rep, "fixture", id, sizeof id),
               "still warns about missing debug info");
        writer_frames(rep, &wf, &wof, &inl, &ff);
        EXPECT(wf > 0 && wof == 0, "with debuginfod: %d libmap frames with file:line, %d without",
               wf, wof);
        EXPECT(inl > 0, "no inlined libmap frames");
        EXPECT(ff > 0, "the fixture's frames lack file:line");
        printf("with debuginfod: %d libmap frames with file:line, %d inlined, %d fixture frames "
               "with file:line\n",
               wf, inl, ff);
    }
    json_free(rep);

    /* 3. the right executable is not at hand (gone from its path, the one
     * given is another program): fetched by build ID from debuginfod */
    snprintf(path, sizeof path, "/buildid/%s/executable", exeid);
    deadline = time(NULL) + 60;
    while (time(NULL) < deadline && (status = http_status(port, path)) != 200)
        usleep(200000);
    EXPECT(status == 200, "debuginfod does not serve %s (status %d)", path, status);
    char moved[4200];
    snprintf(moved, sizeof moved, "%s.moved", exe);
    EXPECT(rename(exe, moved) == 0, "cannot move %s away", exe);
    char wrong[] = "/usr/bin/sleep";
    rep = analyze(analyzer, wrong, c.core, env2, &code);
    EXPECT(rep != NULL && code == 0, "analysis with the wrong executable and debuginfod: exit %d",
           code);
    if (rep) {
        const char *used = jstr(rep, "core.executable_used", "");
        EXPECT(strstr(used, "/cache/") != NULL || strstr(used, exeid) != NULL,
               "core.executable_used '%s' is not the executable of build ID %s", used, exeid);
        EXPECT(!jbool(rep, "core.build_id_mismatch", 1), "the mismatch is still flagged");
        writer_frames(rep, &wf, &wof, &inl, &ff);
        EXPECT(ff > 0, "the fetched executable's frames lack file:line");
        printf("wrong executable given: %s fetched by build ID, %d fixture frames with "
               "file:line\n", used, ff);
    }
    json_free(rep);
    /* without DEBUGINFOD_URLS the same stops, naming both build IDs */
    rep = analyze(analyzer, wrong, c.core, env1, &code);
    EXPECT(code == 2, "wrong executable without debuginfod: exit %d, expected 2", code);
    json_free(rep);
    rename(moved, exe);

    kill(-dpid, SIGTERM);
    kill(dpid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        int st;
        if (waitpid(dpid, &st, WNOHANG) == dpid) {
            dpid = 0;
            break;
        }
        usleep(100000);
    }
    if (dpid) {
        kill(-dpid, SIGKILL);
        waitpid(dpid, NULL, 0);
    }
    if (check_failures)
        fprintf(stderr, "%d failure(s); files kept in %s and %s\n", check_failures, dir, c.dir);
    else
        printf("PASS\n");
    crash_free(&c, check_failures != 0);
    if (!check_failures)
        remove_tree(dir);
    return check_failures ? 1 : 0;
}
