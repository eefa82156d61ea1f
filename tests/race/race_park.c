/*
 * race_park.c — the write-window hook that parks one thread on semaphores
 * (see race_park.h).
 */
#include <errno.h>
#include <semaphore.h>

#include "check.h"
#include "race_park.h"

static sem_t parked, released;
static enum libmap_op parked_op;
static _Thread_local int armed;

static void hook(const libmap *m, enum libmap_op op, void *ctx)
{
    (void)m, (void)ctx;
    if (!armed)
        return;
    armed = 0;
    parked_op = op;
    sem_post(&parked);
    while (sem_wait(&released) != 0)
        CHECK(errno == EINTR);
}

void park_install(void)
{
    CHECK(sem_init(&parked, 0, 0) == 0);
    CHECK(sem_init(&released, 0, 0) == 0);
    libmap_debug_set_write_hook(hook, NULL);
}

void park_arm(void) { armed = 1; }

enum libmap_op park_wait_parked(void)
{
    while (sem_wait(&parked) != 0)
        CHECK(errno == EINTR);
    return parked_op;
}

void park_release(void) { sem_post(&released); }
