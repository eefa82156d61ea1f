/*
 * proc.c — what /proc/PID/stat says about a process: its name (comm), its
 * state and its start time (clock ticks after boot). The start time tells a
 * process from a later one that reuses its PID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

bool proc_info(pid_t pid, struct proc_info *pi)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "PID (comm) STATE PPID ..." ; comm may hold spaces and parentheses */
    char *open = strchr(buf, '('), *close_ = strrchr(buf, ')');
    if (open == NULL || close_ == NULL || close_[1] != ' ' || close_[2] == '\0')
        return false;
    *close_ = '\0';
    snprintf(pi->comm, sizeof pi->comm, "%s", open + 1);
    pi->state = close_[2];
    /* the start time is field 22; STATE is field 3 */
    char *p = close_ + 2;
    for (int field = 3; field < 22 && p != NULL; field++) {
        p = strchr(p, ' ');
        if (p != NULL)
            p++;
    }
    pi->start = p != NULL ? strtoull(p, NULL, 10) : 0;
    return true;
}

bool proc_alive_as(pid_t pid, const char *comm)
{
    struct proc_info pi;
    return pid > 0 && proc_info(pid, &pi) && pi.state != 'Z' && pi.state != 'X' &&
           strcmp(pi.comm, comm) == 0;
}
