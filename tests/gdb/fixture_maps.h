/*
 * fixture_maps.h — maps in known states for the gdb script tests: built by
 * the live-process fixture and by the crash program, printed as the expected
 * content (a reference model of what was inserted and deleted, not a read of
 * the map) so that the gdb side can be compared with it exactly.
 */
#ifndef GDB_FIXTURE_MAPS_H
#define GDB_FIXTURE_MAPS_H

#include <stdio.h>

#include <libmap/map.h>

/* The value type of the "sessions" map and the key type of it, rendered by
 * `libmap print MAP 'struct fx_key' 'struct fx_session'`. */
struct fx_key {
    unsigned int shard;
    unsigned int id;
};
struct fx_session {
    int id;
    char name[12];
    double score;
};
/* Indirect (> LIBMAP_MAX_INLINE bytes) key and value. */
struct fx_bigkey {
    char tag[200];
};
struct fx_bigval {
    unsigned long long words[40];
};

/* Builds every fixture map (exits with a message if a state is not
 * reached). */
void fx_build(void);

/* Prints, for each map: "map NAME 0xADDR", "summary SUMMARY", one
 * "entry KEY VALUE" line per live entry (rendered as the gdb scripts render
 * them by key kind), "end"; then "corrupt ..." lines naming the damage done
 * on purpose; "absent NAME KEY" lines for lookups that must fail. */
void fx_print_expected(FILE *out);

/* Named maps, for the test (global so that gdb finds them by name). */
extern libmap *fx_small, *fx_doubling, *fx_samesize, *fx_itergrow, *fx_strings, *fx_sessions,
    *fx_big, *fx_u32set, *fx_custom, *fx_empty, *fx_cleared, *fx_corrupt, *fx_badcount;
extern struct fx_session fx_session_src[20];
extern struct fx_key fx_key_src[20];

#endif
