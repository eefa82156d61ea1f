/*
 * snapshots.c — the flight recorder's snapshot directories. LTTng writes
 * each snapshot of a session whose output is DIR into a new directory
 * DIR/snapshot-N-DATE-TIME-K. Waiting for one to appear tells that the
 * trigger's snapshot has started; the session daemon finishes it before it
 * handles our destroy command (both hold the session's lock).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_snapshot(const struct dirent *e) { return strncmp(e->d_name, "snapshot-", 9) == 0; }

char *snapshots_list(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_snapshot, by_name);
    size_t len = 0, cap = 1;
    char *list = NULL;
    for (int i = 0; i < n; i++)
        cap += strlen(names[i]->d_name) + 1;
    list = malloc(cap);
    if (list == NULL)
        return NULL;
    list[0] = '\0';
    for (int i = 0; i < n; i++) {
        len += (size_t)sprintf(list + len, "%s\n", names[i]->d_name);
        free(names[i]);
    }
    if (n > 0)
        free(names);
    return list;
}

static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p; p = strchr(p, '\n') + 1)
        if (strncmp(p, name, n) == 0 && p[n] == '\n')
            return true;
    return false;
}

/* Calls fn for every snapshot directory not in before; returns how many. */
static int each_new(const char *dir, const char *before, void (*fn)(const char *, const char *))
{
    char *now = snapshots_list(dir);
    int count = 0;
    for (char *p = now; p && *p;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        if (!listed(before, p)) {
            count++;
            if (fn)
                fn(dir, p);
        }
        p = nl + 1;
    }
    free(now);
    return count;
}

bool snapshots_wait_new(const char *dir, const char *before, int timeout_ms)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int waited = 0;; waited += 20) {
        if (each_new(dir, before, NULL) > 0)
            return true;
        if (waited >= timeout_ms)
            return false;
        nanosleep(&tick, NULL);
    }
}

static void print_one(const char *dir, const char *name)
{
    fprintf(stderr, "libmap-record: snapshot: %s/%s\n", dir, name);
}

int snapshots_print_new(const char *dir, const char *before)
{
    return each_new(dir, before, print_one);
}
