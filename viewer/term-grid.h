/*
 * term-grid.h — the terminal view's drawing surface: a time grid that maps
 * ns to columns, rows of cells in which the most important mark wins,
 * printed with optional colour, and the time axis above them.
 */
#ifndef LIBMAP_VIEWER_TERM_GRID_H
#define LIBMAP_VIEWER_TERM_GRID_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Width of the label printed before each row: "> 1234567 procname-16ch ". */
#define TERM_LABEL 24

/* Cell colours. */
enum { C_NONE, C_ASSIGN, C_DELETE, C_CLEAR, C_READ, C_GROW, C_EVAC, C_RACE, C_PANIC, C_DIM };

struct grid {
    int w;                 /* plot columns */
    int64_t from, to;
    double ns_per_col;
};

struct row {
    char *ch;
    unsigned char *prio, *col;
};

/* A grid of `width` columns (at least 16) over [from, to]. */
struct grid grid_make(int width, int64_t from, int64_t to);
int col_of(const struct grid *g, int64_t t);

void row_init(struct row *r, int w);
void row_free(struct row *r);
/* Marks cell c with ch unless a mark of higher priority is there. */
void put(struct row *r, int c, char ch, int prio, int color);
/* Marks [a, b]: `first` in its first cell, `rest` after it. */
void span(struct row *r, const struct grid *g, int64_t a, int64_t b, char first, char rest,
          int prio, int color);
void row_print(FILE *out, const struct row *r, int w, bool color);

/* The tick labels (durations from the grid's start) and the ruler. */
void print_axis(FILE *out, const struct grid *g);

#endif /* LIBMAP_VIEWER_TERM_GRID_H */
