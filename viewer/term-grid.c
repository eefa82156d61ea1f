/*
 * term-grid.c — the terminal view's drawing surface (term-grid.h): time
 * to columns, rows of prioritized cells, colour and the time axis.
 */
#include <stdlib.h>
#include <string.h>

#include "term-grid.h"
#include "viewer.h"

static const char *const sgr[] = {
    [C_NONE] = "", [C_ASSIGN] = "32", [C_DELETE] = "33", [C_CLEAR] = "35",
    [C_READ] = "36", [C_GROW] = "34", [C_EVAC] = "2;34", [C_RACE] = "1;7;31",
    [C_PANIC] = "1;31", [C_DIM] = "2",
};

struct grid grid_make(int width, int64_t from, int64_t to)
{
    struct grid g = {.w = width < 16 ? 16 : width, .from = from, .to = to};
    g.ns_per_col = (double)(to - from + 1) / g.w;
    if (g.ns_per_col <= 0)
        g.ns_per_col = 1;
    return g;
}

int col_of(const struct grid *g, int64_t t)
{
    if (t <= g->from)
        return 0;
    double c = (double)(t - g->from) / g->ns_per_col;
    return c >= g->w ? g->w - 1 : (int)c;
}

void row_init(struct row *r, int w)
{
    r->ch = malloc((size_t)w);
    r->prio = calloc((size_t)w, 1);
    r->col = calloc((size_t)w, 1);
    if (!r->ch || !r->prio || !r->col)
        abort();
    memset(r->ch, ' ', (size_t)w);
}

void row_free(struct row *r)
{
    free(r->ch);
    free(r->prio);
    free(r->col);
}

void put(struct row *r, int c, char ch, int prio, int color)
{
    if (prio >= r->prio[c]) {
        r->ch[c] = ch;
        r->prio[c] = (unsigned char)prio;
        r->col[c] = (unsigned char)color;
    }
}

void span(struct row *r, const struct grid *g, int64_t a, int64_t b, char first,
                 char rest, int prio, int color)
{
    int c0 = col_of(g, a), c1 = col_of(g, b);
    for (int c = c1; c > c0; c--)
        put(r, c, rest, prio, color);
    put(r, c0, first, prio, color);
}

void row_print(FILE *out, const struct row *r, int w, bool color)
{
    int cur = C_NONE;
    for (int c = 0; c < w; c++) {
        int want = color ? r->col[c] : C_NONE;
        if (want != cur) {
            fputs("\033[0m", out);
            if (want != C_NONE)
                fprintf(out, "\033[%sm", sgr[want]);
            cur = want;
        }
        fputc(r->ch[c], out);
    }
    if (cur != C_NONE)
        fputs("\033[0m", out);
    /* trailing blanks trimmed by the caller's reader; keep lines tidy */
    fputc('\n', out);
}

/* Tick spacing: a 1-2-5 step at least 14 columns apart. */
static int64_t tick_step(double ns_per_col)
{
    double want = ns_per_col * 14;
    int64_t step = 1;
    for (;;) {
        if (step >= want) return step;
        if (step * 2 >= want) return step * 2;
        if (step * 5 >= want) return step * 5;
        step *= 10;
    }
}

void print_axis(FILE *out, const struct grid *g)
{
    int64_t step = tick_step(g->ns_per_col);
    char *labels = malloc((size_t)g->w + 32), *ruler = malloc((size_t)g->w + 1);
    if (!labels || !ruler)
        abort();
    memset(labels, ' ', (size_t)g->w + 31);
    labels[g->w + 31] = '\0';
    memset(ruler, '-', (size_t)g->w);
    ruler[g->w] = '\0';
    int next_free = 0;
    for (int64_t t = 0; g->from + t <= g->to; t += step) {
        int c = col_of(g, g->from + t);
        ruler[c] = '+';
        char buf[32], lab[40];
        snprintf(lab, sizeof lab, "%s", t ? tl_fmt_dur(t, buf) : "0");
        int len = (int)strlen(lab);
        if (c >= next_free && c + len <= g->w) {
            memcpy(labels + c, lab, (size_t)len);
            next_free = c + len + 2;
        }
    }
    int end = g->w;
    while (end > 0 && labels[end - 1] == ' ')
        end--;
    labels[end] = '\0';
    fprintf(out, "%*s%s\n%*s%s\n", TERM_LABEL, "", labels, TERM_LABEL, "", ruler);
    free(labels);
    free(ruler);
}
