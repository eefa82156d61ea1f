/*
 * log.c — libmap-record's messages: one line each on stderr, prefixed with
 * the program name, so they stay apart from the traced command's output.
 */
#include <stdarg.h>
#include <stdio.h>

#include "record.h"

static void vline(const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "libmap-record: %s\n", buf);
}

void say(const struct options *o, const char *fmt, ...)
{
    if (o != NULL && o->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vline(fmt, ap);
    va_end(ap);
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(fmt, ap);
    va_end(ap);
}
