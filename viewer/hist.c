/*
 * hist.c — log-linear latency histogram (struct tl_hist in model.h).
 *
 * A value v < 2^(S+1) (S = TL_HIST_SUB_BITS) has its own bin. Above, v's
 * highest set bit e selects an octave and the S bits below it one of 2^S
 * sub-buckets, so a bin spans at most 1/2^S of its value: quantiles are
 * exact below 256 ns and within 0.8 % above. This keeps --summary's memory
 * constant however many operations the trace holds.
 */
#include <stdlib.h>

#include "model.h"

#define S TL_HIST_SUB_BITS

static unsigned bin_of(uint64_t v)
{
    if (v < (2u << S))
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v);       /* e > S */
    unsigned sub = (unsigned)(v >> (e - S)) & ((1u << S) - 1);
    unsigned b = ((e - S + 1) << S) + sub;
    return b < TL_HIST_NBINS ? b : TL_HIST_NBINS - 1;
}

static int64_t bin_low(unsigned b)
{
    if (b < (2u << S))
        return b;
    unsigned e = (b >> S) + S - 1;
    uint64_t sub = b & ((1u << S) - 1);
    return (int64_t)(((1ull << S) | sub) << (e - S));
}

void tl_hist_add(struct tl_hist *h, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    if (!h->bins) {
        h->bins = calloc(TL_HIST_NBINS, sizeof *h->bins);
        if (!h->bins)
            abort();
        h->min = ns;
        h->max = ns;
    }
    h->bins[bin_of((uint64_t)ns)]++;
    h->n++;
    h->sum += (uint64_t)ns;
    if (ns < h->min)
        h->min = ns;
    if (ns > h->max)
        h->max = ns;
}

int64_t tl_hist_quantile(const struct tl_hist *h, double q)
{
    if (!h->n)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)h->n + 0.999999); /* 1-based, ceil */
    if (rank < 1)
        rank = 1;
    if (rank >= h->n)
        return h->max;
    uint64_t seen = 0;
    for (unsigned b = 0; b < TL_HIST_NBINS; b++) {
        seen += h->bins[b];
        if (seen >= rank) {
            int64_t v = bin_low(b);
            return v < h->min ? h->min : v > h->max ? h->max : v;
        }
    }
    return h->max;
}

void tl_hist_free(struct tl_hist *h)
{
    free(h->bins);
    h->bins = NULL;
}
