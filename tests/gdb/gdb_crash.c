/*
 * gdb_crash.c — the crash program of the gdb core tests: builds the fixture
 * maps (fixture_maps.c), writes their expected content to the file named by
 * argv[1], then makes a real concurrent write on fx_race: a thread is parked
 * by the write hook inside libmap_assign_u64 while holding the map, and the
 * main thread assigns too, so libmap aborts with "concurrent map writes" and
 * the process leaves a core. The file ends with the two TIDs:
 * "race\tDETECTOR_TID\tWRITER_TID".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmap/debug.h>

#include "fixture_maps.h"

libmap *fx_race;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int writer_tid;

static void park_hook(const libmap *m, enum libmap_op op, void *ctx)
{
    (void)op, (void)ctx;
    if (m != fx_race || writer_tid != 0)
        return;
    pthread_mutex_lock(&lock);
    writer_tid = (int)syscall(SYS_gettid);
    pthread_cond_broadcast(&cond);
    for (;;)
        pthread_cond_wait(&cond, &lock); /* held in the write window until the abort */
}

static void *writer(void *arg)
{
    (void)arg;
    uint64_t v = 1;
    libmap_assign_u64(fx_race, 1, &v);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gdb_crash EXPECTED-FILE\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (out == NULL)
        return 2;
    fx_build();
    libmap_config c = {.key_kind = LIBMAP_KEY_U64, .value_size = 8};
    if (libmap_new(&c, &fx_race) != 0)
        return 2;
    for (uint64_t k = 100; k < 120; k++)
        libmap_assign_u64(fx_race, k, &k);
    fx_print_expected(out);
    libmap_debug_set_write_hook(park_hook, NULL);
    pthread_t th;
    pthread_create(&th, NULL, writer, NULL);
    pthread_mutex_lock(&lock);
    while (writer_tid == 0)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    fprintf(out, "race\t%d\t%d\n", (int)syscall(SYS_gettid), writer_tid);
    fclose(out);
    uint64_t v = 2;
    libmap_assign_u64(fx_race, 2, &v); /* concurrent with the parked writer: abort */
    fprintf(stderr, "gdb_crash: no panic\n");
    return 3;
}
