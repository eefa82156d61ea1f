/*
 * options.c — the option values shared by the command line (main.c) and
 * the plugin's initialization parameters (sink.c): each option has one
 * setter, by long name, that checks its value.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "viewer.h"

static const char *const flags[] = {"summary", "race", "json"};

bool tl_opt_is_flag(const char *name)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(name, flags[i]) == 0)
            return true;
    return false;
}

static int bad(char *err, size_t len, const char *name, const char *value, const char *what)
{
    snprintf(err, len, "invalid --%s '%s': %s", name, value, what);
    return -1;
}

static int set_time(struct tl_options *o, bool begin, const char *v)
{
    int64_t ns;
    bool numeric = tl_parse_ns(v, &ns) == 0;
    if (begin) {
        o->begin = v;
        o->have_begin_ns = numeric;
        o->begin_ns = numeric ? ns : 0;
    } else {
        o->end = v;
        o->have_end_ns = numeric;
        o->end_ns = numeric ? ns : 0;
    }
    return 0;
}

int tl_opt_set(struct tl_options *o, const char *name, const char *v, char *err, size_t len)
{
    if (strcmp(name, "summary") == 0) {
        o->summary = true;
    } else if (strcmp(name, "race") == 0) {
        o->race = true;
    } else if (strcmp(name, "json") == 0) {
        o->json = true;
    } else if (!v) {
        snprintf(err, len, "option --%s needs a value", name);
        return -1;
    } else if (strcmp(name, "chrome") == 0 || strcmp(name, "html") == 0) {
        if (!*v)
            return bad(err, len, name, v, "give a file name");
        *(name[0] == 'c' ? &o->chrome : &o->html) = v;
    } else if (strcmp(name, "map") == 0) {
        char *end;
        errno = 0;
        unsigned long long a = strtoull(v, &end, 0);
        if (end == v || *end || errno || v[0] == '-')
            return bad(err, len, name, v, "expecting a map address such as 0x55d0c2a0");
        o->have_map = true;
        o->map_addr = a;
    } else if (strcmp(name, "pid") == 0) {
        char *end;
        errno = 0;
        long pid = strtol(v, &end, 10);
        if (end == v || *end || errno || pid <= 0 || pid > INT32_MAX)
            return bad(err, len, name, v, "expecting a process id such as 4242");
        o->pid = (int32_t)pid;
    } else if (strcmp(name, "begin") == 0 || strcmp(name, "end") == 0) {
        if (!*v)
            return bad(err, len, name, v, "expecting a time");
        return set_time(o, name[0] == 'b', v);
    } else if (strcmp(name, "last") == 0) {
        if (tl_parse_duration(v, &o->last_ns) != 0)
            return bad(err, len, name, v, "expecting a duration such as 5ms, 200us, 1s");
    } else if (strcmp(name, "width") == 0) {
        char *end;
        long w = strtol(v, &end, 10);
        if (end == v || *end || w < 40 || w > 10000)
            return bad(err, len, name, v, "expecting a number of columns, 40 or more");
        o->width = (int)w;
    } else if (strcmp(name, "color") == 0) {
        if (strcmp(v, "auto") == 0)
            o->color = TL_COLOR_AUTO;
        else if (strcmp(v, "always") == 0)
            o->color = TL_COLOR_ALWAYS;
        else if (strcmp(v, "never") == 0)
            o->color = TL_COLOR_NEVER;
        else
            return bad(err, len, name, v, "expecting auto, always or never");
    } else {
        snprintf(err, len, "unknown option or parameter '%s'", name);
        return -1;
    }
    return 0;
}
