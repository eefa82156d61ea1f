/*
 * lttng.c — one `lttng` command: always with --no-sessiond, so that the
 * client never spawns a session daemon we would not know about. On failure
 * prints "cannot WHAT: <lttng's last message line>".
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

int lttng(const struct options *o, const char *what, ...)
{
    (void)o;
    char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = "lttng";
    argv[n++] = "--no-sessiond";
    va_list ap;
    va_start(ap, what);
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && n < MAX_ARGS - 1)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;

    char out[8192];
    int rc = run_capture(argv, out, sizeof out);
    if (rc != 0)
        fail("cannot %s: %s", what, rc < 0 ? "cannot run lttng" : last_line(out));
    return rc;
}
