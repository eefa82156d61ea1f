/*
 * report.c — bench-report: reads the sample lines printed by the drivers
 * (main.c, go/mapbench.go), takes the median of every (implementation, key
 * kind, size, operation), and prints the comparison table with the ratios
 * that the performance targets are about, marking the rows that miss one.
 * Optionally writes the same as JSON.
 *
 *   bench-report [--json FILE] [--meta KEY=VALUE]... [--strict] SAMPLES...
 *
 * Targets (issue 2): detection on/off <= 1.02 on insert and lookup hit;
 * Go/libmap >= 1.3 on insert and lookup hit; GLib/libmap > 1 on every
 * operation. --strict exits 1 when a target is missed.
 *
 * The on/off ratio is the median of the paired ratios from bench-onoff
 * ("pair" lines: both variants alternating in one process) when there are
 * any, else the ratio of the libmap and libmap-nodetect medians.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

enum { IMPL_LIBMAP, IMPL_NODETECT, IMPL_GO, IMPL_GLIB, NIMPL };
static const char *const impl_names[NIMPL] = {"libmap", "libmap-nodetect", "go", "glib"};
static const char *const impl_titles[NIMPL] = {"libmap", "nodetect", "Go 1.19", "GLib"};

enum { NOPS = 5 };
static const char *const op_names[NOPS] = {"insert", "hit", "miss", "delete", "iterate"};
static const char *const op_titles[NOPS] = {"insert", "lookup hit", "lookup miss", "delete",
                                            "iterate/elt"};

enum { R_ONOFF, R_GO, R_GLIB, NRATIO };
static const char *const ratio_keys[NRATIO] = {"detect_on_off", "go_over_libmap",
                                               "glib_over_libmap"};

struct cell {
    double *v;
    size_t n, cap;
};

struct row {
    int kind; /* 0 u64, 1 str */
    unsigned long long size;
    int op;
    struct cell c[NIMPL];
    struct cell pairs; /* on/off ratios from bench-onoff */
};

static struct row *rows;
static size_t nrows, caprows;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        fprintf(stderr, "bench-report: out of memory\n");
        exit(2);
    }
    return p;
}

static int find_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static struct row *row_get(int kind, unsigned long long size, int op)
{
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].kind == kind && rows[i].size == size && rows[i].op == op)
            return &rows[i];
    if (nrows == caprows) {
        caprows = caprows ? 2 * caprows : 64;
        rows = xrealloc(rows, caprows * sizeof *rows);
    }
    struct row *r = &rows[nrows++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->size = size;
    r->op = op;
    return r;
}

static void cell_add(struct cell *c, double x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = x;
}

static int kind_index(const char *kind)
{
    return strcmp(kind, "u64") == 0 ? 0 : strcmp(kind, "str") == 0 ? 1 : -1;
}

static void read_samples(FILE *f, const char *name)
{
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char impl[64], kind[16], op[16], round[64];
        unsigned long long size;
        double ns, off;
        if (strncmp(line, "pair ", 5) == 0) {
            if (sscanf(line, "pair %15s %llu %15s %63s %lf %lf", kind, &size, op, round, &ns,
                       &off) != 6) {
                fprintf(stderr, "bench-report: %s: bad line: %s", name, line);
                continue;
            }
            int oi = find_index(op_names, NOPS, op), ki = kind_index(kind);
            if (oi >= 0 && ki >= 0 && ns > 0 && off > 0)
                cell_add(&row_get(ki, size, oi)->pairs, ns / off);
            continue;
        }
        if (strncmp(line, "sample ", 7) != 0)
            continue;
        if (sscanf(line, "sample %63s %15s %llu %15s %63s %lf", impl, kind, &size, op, round,
                   &ns) != 6) {
            fprintf(stderr, "bench-report: %s: bad line: %s", name, line);
            continue;
        }
        int ii = find_index(impl_names, NIMPL, impl);
        int oi = find_index(op_names, NOPS, op);
        int ki = kind_index(kind);
        if (ii < 0 || oi < 0 || ki < 0)
            continue;
        cell_add(&row_get(ki, size, oi)->c[ii], ns);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    if (x->size != y->size)
        return (x->size > y->size) - (x->size < y->size);
    return x->op - y->op;
}

/* Median (mean of the two middle values for an even count); -1 if none. */
static double median(struct cell *c)
{
    if (c->n == 0)
        return -1;
    qsort(c->v, c->n, sizeof *c->v, cmp_double);
    return c->n % 2 ? c->v[c->n / 2] : (c->v[c->n / 2 - 1] + c->v[c->n / 2]) / 2;
}

static double ratio(double num, double den) { return num > 0 && den > 0 ? num / den : -1; }

/* Whether a ratio has a target on this op, and whether it is met. */
static int has_target(int r, int op)
{
    return r == R_GLIB || op == 0 /* insert */ || op == 1 /* hit */;
}
static int target_met(int r, double x)
{
    switch (r) {
    case R_ONOFF:
        return x <= 1.02;
    case R_GO:
        return x >= 1.3;
    default:
        return x > 1.0;
    }
}

static void size_label(unsigned long long n, char *buf, size_t len)
{
    if (n >= 1000000 && n % 1000000 == 0)
        snprintf(buf, len, "%lluM", n / 1000000);
    else if (n >= 1000 && n % 1000 == 0)
        snprintf(buf, len, "%lluK", n / 1000);
    else
        snprintf(buf, len, "%llu", n);
}

/* A ratio or a median for --json: null when there is none. */
static void json_num(struct json *j, double x)
{
    if (x < 0)
        JSON_LIT(j, "null");
    else
        json_put_fmt(j, "%.6g", x);
}

int main(int argc, char **argv)
{
    const char *json = NULL;
    const char *meta[64];
    int nmeta = 0, strict = 0, nfiles = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--json") == 0 && a + 1 < argc) {
            json = argv[++a];
        } else if (strcmp(argv[a], "--meta") == 0 && a + 1 < argc) {
            if (nmeta < 64 && strchr(argv[a + 1], '='))
                meta[nmeta++] = argv[a + 1];
            a++;
        } else if (strcmp(argv[a], "--strict") == 0) {
            strict = 1;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            fprintf(stderr,
                    "usage: bench-report [--json FILE] [--meta KEY=VALUE]... [--strict] "
                    "SAMPLES...\n");
            return 2;
        } else {
            FILE *f = strcmp(argv[a], "-") == 0 ? stdin : fopen(argv[a], "r");
            if (f == NULL) {
                perror(argv[a]);
                return 2;
            }
            read_samples(f, argv[a]);
            if (f != stdin)
                fclose(f);
            nfiles++;
        }
    }
    if (nfiles == 0)
        read_samples(stdin, "stdin");
    if (nrows == 0) {
        fprintf(stderr, "bench-report: no samples\n");
        return 2;
    }
    qsort(rows, nrows, sizeof *rows, cmp_row);

    double (*med)[NIMPL] = xrealloc(NULL, nrows * sizeof *med);
    double (*rat)[NRATIO] = xrealloc(NULL, nrows * sizeof *rat);
    double *unpaired = xrealloc(NULL, nrows * sizeof *unpaired);
    size_t min_pairs = (size_t)-1;
    int (*miss)[NRATIO] = xrealloc(NULL, nrows * sizeof *miss);
    size_t min_n = (size_t)-1, max_n = 0;
    int nmiss = 0, nchecked = 0;
    for (size_t i = 0; i < nrows; i++) {
        for (int k = 0; k < NIMPL; k++) {
            med[i][k] = median(&rows[i].c[k]);
            if (rows[i].c[k].n) {
                if (rows[i].c[k].n < min_n)
                    min_n = rows[i].c[k].n;
                if (rows[i].c[k].n > max_n)
                    max_n = rows[i].c[k].n;
            }
        }
        unpaired[i] = ratio(med[i][IMPL_LIBMAP], med[i][IMPL_NODETECT]);
        rat[i][R_ONOFF] = rows[i].pairs.n ? median(&rows[i].pairs) : unpaired[i];
        if (rows[i].pairs.n < min_pairs)
            min_pairs = rows[i].pairs.n;
        rat[i][R_GO] = ratio(med[i][IMPL_GO], med[i][IMPL_LIBMAP]);
        rat[i][R_GLIB] = ratio(med[i][IMPL_GLIB], med[i][IMPL_LIBMAP]);
        for (int r = 0; r < NRATIO; r++) {
            miss[i][r] = 0;
            if (rat[i][r] >= 0 && has_target(r, rows[i].op)) {
                nchecked++;
                if (!target_met(r, rat[i][r])) {
                    miss[i][r] = 1;
                    nmiss++;
                }
            }
        }
    }

    printf("ns per operation (iterate: ns per element), median of %zu", min_n);
    if (max_n != min_n)
        printf("-%zu", max_n);
    printf(" rounds per cell\n");
    if (min_pairs > 0 && min_pairs != (size_t)-1)
        printf("on/off: median of at least %zu paired ratios (bench-onoff); "
               "\"unpaired\": ratio of the two columns\n",
               min_pairs);
    printf("targets: on/off <= 1.02 (insert, hit); Go/libmap >= 1.3 (insert, hit); "
           "GLib/libmap > 1 (all); '!' marks a miss\n\n");
    printf("%-4s %-5s %-12s %9s %9s %9s %9s  %7s %7s %7s %7s  %s\n", "key", "size",
           "operation", impl_titles[0], impl_titles[1], impl_titles[2], impl_titles[3], "on/off",
           "unpaird", "Go/lm", "GLib/lm", "");
    for (size_t i = 0; i < nrows; i++) {
        char sz[32];
        size_label(rows[i].size, sz, sizeof sz);
        printf("%-4s %-5s %-12s", rows[i].kind ? "str" : "u64", sz, op_titles[rows[i].op]);
        for (int k = 0; k < NIMPL; k++) {
            if (med[i][k] < 0)
                printf(" %9s", "-");
            else
                printf(" %9.1f", med[i][k]);
        }
        printf(" ");
        for (int r = 0; r < NRATIO; r++) {
            /* on/off is about a 2% target: three decimals */
            if (rat[i][r] < 0)
                printf(" %7s", "-");
            else
                printf(r == R_ONOFF ? " %6.3f%c" : " %6.2f%c", rat[i][r], miss[i][r] ? '!' : ' ');
            if (r == R_ONOFF) {
                if (unpaired[i] < 0)
                    printf(" %7s", "-");
                else
                    printf(" %6.3f ", unpaired[i]);
            }
        }
        int any = miss[i][0] || miss[i][1] || miss[i][2];
        printf(" %s\n", any ? "<- MISS" : "");
    }
    printf("\ntargets checked: %d, missed: %d\n", nchecked, nmiss);

    if (json) {
        FILE *f = fopen(json, "w");
        if (f == NULL) {
            perror(json);
            return 2;
        }
        struct json *j = xrealloc(NULL, sizeof *j);
        json_init(j, f, JSON_ESC_PLAIN, 1);
        JSON_LIT(j, "{\n  \"unit\": \"ns/op\",\n  \"meta\": {");
        for (int m = 0; m < nmeta; m++) {
            const char *eq = strchr(meta[m], '=');
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(eq - meta[m]), meta[m]);
            json_put_fmt(j, "%s\n    ", m ? "," : "");
            json_put_strz(j, key);
            JSON_LIT(j, ": ");
            json_put_strz(j, eq + 1);
        }
        json_put_fmt(j, "%s},\n", nmeta ? "\n  " : "");
        JSON_LIT(j, "  \"targets\": {\"detect_on_off\": {\"max\": 1.02, \"ops\": [\"insert\", "
                   "\"hit\"]}, \"go_over_libmap\": {\"min\": 1.3, \"ops\": [\"insert\", "
                   "\"hit\"]}, \"glib_over_libmap\": {\"above\": 1.0, \"ops\": \"all\"}},\n");
        json_put_fmt(j, "  \"targets_checked\": %d,\n  \"targets_missed\": %d,\n", nchecked, nmiss);
        JSON_LIT(j, "  \"rows\": [");
        for (size_t i = 0; i < nrows; i++) {
            json_put_fmt(j, "%s\n    {\"kind\": \"%s\", \"size\": %llu, \"op\": \"%s\",",
                         i ? "," : "",
                         rows[i].kind ? "str" : "u64", rows[i].size, op_names[rows[i].op]);
            static const char *const what[] = {"median", "min", "max"};
            for (int w = 0; w < 3; w++) {
                json_put_fmt(j, "\n     \"%s\": {", what[w]);
                for (int k = 0; k < NIMPL; k++) {
                    struct cell *c = &rows[i].c[k];
                    double x = w == 0 ? med[i][k] : c->n == 0 ? -1 : w == 1 ? c->v[0] : c->v[c->n - 1];
                    json_put_fmt(j, "%s\"%s\": ", k ? ", " : "", impl_names[k]);
                    json_num(j, x);
                }
                JSON_LIT(j, "},");
            }
            JSON_LIT(j, "\n     \"samples\": {");
            for (int k = 0; k < NIMPL; k++)
                json_put_fmt(j, "%s\"%s\": %zu", k ? ", " : "", impl_names[k], rows[i].c[k].n);
            json_put_fmt(j, ", \"onoff_pairs\": %zu},\n     \"ratios\": {", rows[i].pairs.n);
            for (int r = 0; r < NRATIO; r++) {
                json_put_fmt(j, "%s\"%s\": ", r ? ", " : "", ratio_keys[r]);
                json_num(j, rat[i][r]);
            }
            JSON_LIT(j, ", \"detect_on_off_unpaired\": ");
            json_num(j, unpaired[i]);
            if (rows[i].pairs.n) {
                JSON_LIT(j, ", \"detect_on_off_pairs_min\": ");
                json_num(j, rows[i].pairs.v[0]);
                JSON_LIT(j, ", \"detect_on_off_pairs_max\": ");
                json_num(j, rows[i].pairs.v[rows[i].pairs.n - 1]);
            }
            JSON_LIT(j, "},\n     \"missed\": [");
            int first = 1;
            for (int r = 0; r < NRATIO; r++)
                if (miss[i][r]) {
                    json_put_fmt(j, "%s\"%s\"", first ? "" : ", ", ratio_keys[r]);
                    first = 0;
                }
            JSON_LIT(j, "]}");
        }
        JSON_LIT(j, "\n  ]\n}\n");
        int werr = json_finish(j, NULL), e = j->errnum;
        free(j);
        if (fclose(f) != 0 || werr) {
            if (werr)
                errno = e;
            perror(json);
            return 2;
        }
    }
    return strict && nmiss ? 1 : 0;
}
