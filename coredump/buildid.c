/*
 * buildid.c — is the executable at hand the one that dumped the core?
 *
 * The core records each mapped ELF file's build ID (the first page of every
 * file mapping is dumped, with its notes). libdwfl refuses a library whose
 * file on disk has another build ID, but a report whose header names the
 * wrong executable (an older build, /usr/bin/sleep) misleads even when the
 * stacks come out right. The executable in the core is the module that
 * holds the entry point (NT_AUXV AT_ENTRY); its build ID is compared with
 * the one of the EXE the user gave. Libraries whose file on disk differs
 * from the core's are named in a warning: their frames stay unsymbolized.
 */
#include "buildid.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int file_build_id(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s", path);
        return -1;
    }
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    int rc = -1;
    if (e == NULL || elf_kind(e) != ELF_K_ELF) {
        snprintf(err, errlen, "%s is not an ELF file", path);
    } else {
        const void *id = NULL;
        ssize_t n = dwelf_elf_gnu_build_id(e, &id);
        build_id_hex(id, (int)n, buf, len);
        rc = 0;
    }
    if (e != NULL)
        elf_end(e);
    close(fd);
    return rc;
}

static int library_cb(Dwfl_Module *mod, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
    (void)ud, (void)start;
    struct analysis *a = arg;
    GElf_Addr bias;
    if (name == NULL || name[0] != '/' || dwfl_module_getelf(mod, &bias) != NULL)
        return DWARF_CB_OK;
    /* libdwfl found no file for it: say why when a file at the core's path
     * exists with another build ID */
    char core_id[128], disk_id[128], err[256];
    proc_module_build_id(mod, core_id, sizeof core_id);
    if (core_id[0] && access(name, R_OK) == 0 &&
        file_build_id(name, disk_id, sizeof disk_id, err, sizeof err) == 0 && disk_id[0] &&
        strcmp(core_id, disk_id) != 0)
        warn(a,
             "%s on disk has build ID %s, the core's has %s (the file was replaced since the "
             "crash): its frames are not symbolized",
             name, disk_id, core_id);
    return DWARF_CB_OK;
}

/* The right executable is not at hand but DEBUGINFOD_URLS is set: libdwfl
 * looks the core's executable up by build ID (its path in the core, then
 * debuginfod). If what it found has the core's build ID, analyze that and
 * say so. */
static int fetched_by_build_id(struct analysis *a, const char *core_id, const char *exe,
                               const char *given)
{
    const char *urls = getenv("DEBUGINFOD_URLS");
    if (urls == NULL || !*urls)
        return 0;
    /* report the modules again without the wrong file, so that libdwfl
     * looks the executable up by its build ID */
    char err[256];
    struct proc fresh;
    if (proc_open(&fresh, &a->cm, NULL, err, sizeof err) != 0)
        return 0;
    if (cm_truncated(&a->cm)) {
        char added[1024];
        proc_report_mapped_files(&fresh, &a->notes, added, sizeof added);
    }
    Dwfl_Module *main_mod = a->notes.entry ? dwfl_addrmodule(fresh.dwfl, a->notes.entry) : NULL;
    GElf_Addr bias;
    Elf *e = main_mod ? dwfl_module_getelf(main_mod, &bias) : NULL;
    const void *id = NULL;
    ssize_t n = e ? dwelf_elf_gnu_build_id(e, &id) : -1;
    char found[128];
    build_id_hex(id, (int)n, found, sizeof found);
    if (strcmp(found, core_id) != 0) {
        proc_close(&fresh);
        return 0;
    }
    /* a file found on disk has a path; one fetched from debuginfod may not */
    const char *path = proc_module_path(main_mod);
    char fetched[160];
    if (path == NULL) {
        snprintf(fetched, sizeof fetched, "debuginfod:%s", core_id);
        path = fetched;
    }
    snprintf(a->exe_used, sizeof a->exe_used, "%s", path);
    proc_close(&a->proc);
    a->proc = fresh;
    warn(a, "%s (build ID %s) is not the program that dumped the core; analyzing %s, its build "
            "ID %s, found by build ID (DEBUGINFOD_URLS)",
         exe, given, path, core_id);
    return 1;
}

int check_build_ids(struct analysis *a, int force)
{
    const char *exe = a->opt->exe;
    char given[128], err[320];
    if (file_build_id(exe, given, sizeof given, err, sizeof err) != 0) {
        snprintf(a->fatal, sizeof a->fatal, "%s: give the program that dumped the core", err);
        return -1;
    }
    snprintf(a->exe_build_id, sizeof a->exe_build_id, "%s", given);
    Dwfl_Module *main_mod =
        a->notes.entry ? dwfl_addrmodule(a->proc.dwfl, a->notes.entry) : NULL;
    char core_id[128] = "";
    if (main_mod != NULL)
        proc_module_build_id(main_mod, core_id, sizeof core_id);
    snprintf(a->core_exe_build_id, sizeof a->core_exe_build_id, "%s", core_id);
    int mismatch = core_id[0] && given[0] && strcmp(core_id, given) != 0;
    if (mismatch && !force && fetched_by_build_id(a, core_id, exe, given))
        return 0;
    if (mismatch) {
        a->build_id_mismatch = 1;
        if (!force) {
            snprintf(a->fatal, sizeof a->fatal,
                     "%s has build ID %s, but the program that dumped the core had build ID %s: "
                     "give that program (or its debug info through DEBUGINFOD_URLS), or "
                     "--force to analyze anyway",
                     exe, given, core_id);
            return -1;
        }
        warn(a, "--force: %s (build ID %s) is not the program that dumped the core (build ID "
                "%s); symbols of the executable may be wrong",
             exe, given, core_id);
    } else if (!core_id[0]) {
        warn(a, "the core records no build ID for its executable: %s cannot be checked", exe);
    } else if (!given[0]) {
        warn(a, "%s has no build ID: it cannot be checked against the core", exe);
    }
    dwfl_getmodules(a->proc.dwfl, library_cb, a, 0);
    return 0;
}
