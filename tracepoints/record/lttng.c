/*
 * lttng.c — one `lttng` command: always with --no-sessiond, so that the
 * client never spawns a session daemon we would not know about. lttng()
 * prints "cannot WHAT: <lttng's last message line>" on failure;
 * lttng_quiet() prints nothing and gives lttng's output to the caller.
 */
#include <stdarg.h>
#include <string.h>

#include "record.h"

#define MAX_ARGS 32

/* The last non-empty line of lttng's output, without "Error: ". */
static const char *last_line(char *out)
{
    char *end = out + strlen(out);
    while (end > out && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
    char *start = strrchr(out, '\n');
    start = start ? start + 1 : out;
    if (strncmp(start, "Error: ", 7) == 0)
        start += 7;
    return *start ? start : "(no message)";
}

static int run_lttng(va_list ap, char *out, size_t outsz)
{
    char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = "lttng";
    argv[n++] = "--no-sessiond";
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && n < MAX_ARGS - 1)
        argv[n++] = a;
    argv[n] = NULL;
    return run_capture(argv, out, outsz);
}

int lttng(const struct options *o, const char *what, ...)
{
    (void)o;
    char out[8192];
    va_list ap;
    va_start(ap, what);
    int rc = run_lttng(ap, out, sizeof out);
    va_end(ap);
    if (rc != 0)
        fail("cannot %s: %s", what, rc < 0 ? "cannot run lttng" : last_line(out));
    return rc;
}

int lttng_quiet(char *out, size_t outsz, ...)
{
    va_list ap;
    va_start(ap, outsz);
    int rc = run_lttng(ap, out, outsz);
    va_end(ap);
    return rc;
}
