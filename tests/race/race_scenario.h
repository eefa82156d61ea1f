/*
 * race_scenario.h — the common deterministic race: in a forked child, writer
 * thread A starts a write (assign, delete or clear) and is parked inside its
 * write window; then the main thread B does a conflicting access (a write, a
 * lookup, or the next step of an iteration), which libmap must catch on
 * entry. The harness checks the death.
 */
#ifndef RACE_SCENARIO_H
#define RACE_SCENARIO_H

#include <stdbool.h>

#include "race_harness.h"
#include "race_keys.h"

struct race_case {
    enum race_key_kind key;
    enum libmap_op a_op; /* ASSIGN, DELETE or CLEAR */
    enum libmap_op b_op; /* ASSIGN, DELETE, CLEAR, LOOKUP or ITERATE */
    bool typed;          /* use the typed entry points when the kind has them */
    bool empty;          /* start from an empty map (a_op must not be DELETE) */
    bool iter_started;   /* ITERATE: B has already yielded a key before A writes */
};

/* Runs the case in a child and checks message, TIDs and panic record.
 * Returns normally only when everything matched. */
void race_case_run(const struct race_case *c);

/* "u64/assign-vs-lookup/typed" and the like. */
void race_case_name(const struct race_case *c, char *buf, size_t size);

#endif /* RACE_SCENARIO_H */
