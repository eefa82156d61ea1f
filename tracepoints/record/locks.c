/*
 * locks.c — how the libmap-record runs that share one session daemon keep
 * out of each other's way: two flock(2) locks in libmap-record's directory
 * in the daemon's run directory (RUNDIR/libmap-record, see sessiond.c):
 *
 *   setup.lock  held exclusively while a recorder checks for the daemon,
 *               starts it, removes dead recorders' leftovers, or (the last
 *               recorder) stops it; short steps, one recorder at a time;
 *   users.lock  held shared by every recorder from the end of its setup
 *               step to the end of its teardown.
 *
 * At the end a recorder takes setup.lock, drops users.lock and is the last
 * one if it can take users.lock exclusively at once. No recorder can be
 * between "the daemon runs" and holding users.lock meanwhile (it holds
 * setup.lock there), so the last one may stop the daemon; a recorder that
 * starts meanwhile waits on setup.lock, then finds no daemon and starts one.
 * A recorder that dies loses its locks with it. The descriptors are
 * close-on-exec: neither the daemon nor COMMAND inherits them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

static int setup_fd = -1, users_fd = -1;

const char *locks_dir(void)
{
    static char dir[PATH_MAX];
    const char *rundir = sessiond_rundir();
    if (rundir == NULL)
        return NULL;
    snprintf(dir, sizeof dir, "%s/libmap-record", rundir);
    return dir;
}

static int open_lock(const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fail("cannot open the lock %s: %s", path, strerror(errno));
    return fd;
}

/* flock that waits; with interruptible, a caught signal ends the wait. */
static int lock(int fd, int how, bool interruptible)
{
    while (flock(fd, how) != 0) {
        if (errno != EINTR) {
            fail("cannot lock %s: %s", locks_dir(), strerror(errno));
            return -1;
        }
        if (interruptible && signals_pending())
            return -1;
    }
    return 0;
}

int locks_setup_begin(void)
{
    const char *rundir = sessiond_rundir(), *dir = locks_dir();
    if (dir == NULL) {
        fail("cannot find the LTTng run directory (neither LTTNG_HOME nor HOME is set)");
        return -1;
    }
    /* the daemon makes its run directory too; the recorders need it first */
    mode_t mode = getuid() == 0 ? 0755 : 0700;
    if ((mkdir(rundir, mode) != 0 && errno != EEXIST) || (mkdir(dir, mode) != 0 && errno != EEXIST)) {
        fail("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    setup_fd = open_lock(dir, "setup.lock");
    users_fd = setup_fd < 0 ? -1 : open_lock(dir, "users.lock");
    if (users_fd < 0 || lock(setup_fd, LOCK_EX, true) != 0) {
        locks_close();
        return -1;
    }
    return 0;
}

int locks_setup_end(void)
{
    /* only a holder of setup.lock takes users.lock exclusively: no wait */
    int rc = lock(users_fd, LOCK_SH, false);
    flock(setup_fd, LOCK_UN);
    if (rc != 0)
        locks_close();
    return rc;
}

bool locks_end(void)
{
    if (setup_fd < 0)
        return false;
    if (lock(setup_fd, LOCK_EX, false) != 0)
        return false;
    flock(users_fd, LOCK_UN);
    return flock(users_fd, LOCK_EX | LOCK_NB) == 0;
}

void locks_close(void)
{
    if (users_fd >= 0) {
        flock(users_fd, LOCK_UN);
        close(users_fd);
    }
    if (setup_fd >= 0) {
        flock(setup_fd, LOCK_UN);
        close(setup_fd);
    }
    setup_fd = users_fd = -1;
}
