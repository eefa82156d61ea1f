/*
 * harness.c — running programs and producing cores for the tests (see
 * harness.h).
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    if (buf == NULL)
        return NULL;
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return close(fd);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int run_cmd(char *const argv[], const char *dir, char *const env[], int core_unlimited,
            unsigned timeout_s, struct run *r)
{
    memset(r, 0, sizeof *r);
    char outp[] = "/tmp/cdtest-out-XXXXXX", errp[] = "/tmp/cdtest-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    if (ofd < 0 || efd < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        if (dir && chdir(dir) != 0)
            _exit(126);
        struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
        if (core_unlimited)
            setrlimit(RLIMIT_CORE, &rl);
        else {
            rl.rlim_cur = rl.rlim_max = 0;
            setrlimit(RLIMIT_CORE, &rl);
        }
        for (size_t i = 0; env && env[i]; i++) {
            if (env[i][0] == '-')
                unsetenv(env[i] + 1);
            else
                putenv(env[i]);
        }
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(ofd);
    close(efd);
    double deadline = now() + timeout_s;
    for (;;) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (now() > deadline && !r->timed_out) {
            r->timed_out = 1;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        usleep(2000);
    }
    r->out = read_file(outp, &r->out_len);
    r->err = read_file(errp, &r->err_len);
    unlink(outp);
    unlink(errp);
    if (r->out == NULL)
        r->out = strdup("");
    if (r->err == NULL)
        r->err = strdup("");
    return 0;
}

void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int run_code(const struct run *r)
{
    if (WIFEXITED(r->status))
        return WEXITSTATUS(r->status);
    if (WIFSIGNALED(r->status))
        return 128 + WTERMSIG(r->status);
    return -1;
}

char *make_tmpdir(const char *tag)
{
    const char *t = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/libmap-cd-%s-XXXXXX", t && *t ? t : "/tmp", tag);
    if (mkdtemp(buf) == NULL)
        return NULL;
    return strdup(buf);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

void remove_tree(const char *dir)
{
    if (dir != NULL)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int cores_as_files(char *why, size_t len)
{
    size_t n;
    char *pat = read_file("/proc/sys/kernel/core_pattern", &n);
    if (pat == NULL) {
        snprintf(why, len, "cannot read /proc/sys/kernel/core_pattern");
        return 0;
    }
    int ok = pat[0] != '|' && strchr(pat, '/') == NULL;
    if (!ok)
        snprintf(why, len,
                 "core_pattern is '%.*s': cores do not land in the working directory "
                 "(with systemd-coredump, use `coredumpctl dump -o FILE`); skipping",
                 (int)strcspn(pat, "\n"), pat);
    free(pat);
    return ok;
}

int crash_run(char *const argv[], char *const env[], struct crash *c, char *why, size_t whylen)
{
    return crash_run_signal(argv, env, SIGABRT, c, why, whylen);
}

int crash_run_signal(char *const argv[], char *const env[], int sig, struct crash *c, char *why,
                     size_t whylen)
{
    memset(c, 0, sizeof *c);
    c->dir = make_tmpdir("crash");
    if (c->dir == NULL) {
        snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    if (run_cmd(argv, c->dir, env, 1, 120, &c->run) != 0) {
        snprintf(why, whylen, "cannot run %s", argv[0]);
        return -1;
    }
    if (!WIFSIGNALED(c->run.status) || WTERMSIG(c->run.status) != sig ||
        !WCOREDUMP(c->run.status)) {
        snprintf(why, whylen, "%s did not die of signal %d with a core (status %d); stderr: %s",
                 argv[0], sig, run_code(&c->run), c->run.err);
        return -1;
    }
    DIR *d = opendir(c->dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "core", 4) == 0) {
            size_t l = strlen(c->dir) + strlen(de->d_name) + 2;
            c->core = malloc(l);
            snprintf(c->core, l, "%s/%s", c->dir, de->d_name);
            break;
        }
    }
    if (d)
        closedir(d);
    if (c->core == NULL) {
        snprintf(why, whylen, "no core file in %s", c->dir);
        return -1;
    }
    return 0;
}

char *asan_keep_segv(void)
{
    static char buf[1024];
    const char *cur = getenv("ASAN_OPTIONS");
    snprintf(buf, sizeof buf, "ASAN_OPTIONS=%s%shandle_segv=0:handle_sigbus=0", cur ? cur : "",
             cur && *cur ? ":" : "");
    return buf;
}

void crash_free(struct crash *c, int keep)
{
    if (!keep)
        remove_tree(c->dir);
    free(c->dir);
    free(c->core);
    run_free(&c->run);
}
