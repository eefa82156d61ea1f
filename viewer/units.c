/*
 * units.c — durations and times, parsed and printed: "5ms", "200us", "1s"
 * in options; "1.25us" and "SECONDS.NNNNNNNNN" in reports.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "viewer.h"

int tl_parse_duration(const char *s, int64_t *ns)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0 || !(v == v))
        return -1;
    static const struct { const char *u; double mul; } units[] = {
        {"", 1}, {"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9},
        {"m", 60e9}, {"min", 60e9}, {"h", 3600e9},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].u) == 0) {
            double r = v * units[i].mul;
            if (r > 9.2e18 || r < 1)
                return -1;
            *ns = (int64_t)(r + 0.5);
            return 0;
        }
    }
    return -1;
}

int tl_parse_ns(const char *s, int64_t *ns)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p)
        return -1;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno)
        return -1;
    *ns = v;
    return 0;
}

const char *tl_fmt_dur(int64_t ns, char buf[32])
{
    static const struct { double div; const char *u; } units[] = {
        {1e9, "s"}, {1e6, "ms"}, {1e3, "us"},
    };
    int64_t a = ns < 0 ? -ns : ns;
    if (a < 1000) {
        snprintf(buf, 32, "%" PRId64 "ns", ns);
        return buf;
    }
    for (size_t i = 0; i < 3; i++) {
        if ((double)a >= units[i].div || i == 2) {
            double v = (double)ns / units[i].div;
            double av = v < 0 ? -v : v;
            int prec = av >= 100 ? 0 : av >= 10 ? 1 : 2;
            snprintf(buf, 32, "%.*f%s", prec, v, units[i].u);
            return buf;
        }
    }
    return buf;
}

const char *tl_fmt_ts(int64_t ns, char buf[32])
{
    const char *sign = ns < 0 ? "-" : "";
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, 32, "%s%" PRIu64 ".%09" PRIu64, sign, a / 1000000000u, a % 1000000000u);
    return buf;
}
