/*
 * race_park.h — hold a chosen writer inside its write window, using libmap's
 * write-window hook (libmap_debug_set_write_hook). The armed thread's next
 * assign, delete or clear stops right after it has marked the map as being
 * written, until released; other threads' writes pass through.
 */
#ifndef RACE_PARK_H
#define RACE_PARK_H

#include <libmap/debug.h>

/* Install the hook (once per child, before any thread arms). */
void park_install(void);
/* Calling thread: park in the next write. */
void park_arm(void);
/* Wait until the armed thread is parked; returns the op it is doing. */
enum libmap_op park_wait_parked(void);
/* Let the parked thread finish its write. */
void park_release(void);

#endif /* RACE_PARK_H */
