/*
 * layout_find.c — find libmap's layout descriptor in the crashed process
 * (by symbol in the module that defines it, libmap.so or the executable;
 * else through libmap's debug note in a stripped program) and read it
 * through the inspector, from the core or, when the core did not save
 * that read-only page, from the module's file.
 */
#include "layout_find.h"

#include <stdio.h>
#include <string.h>

#include "debugnote.h"

int layout_load(struct lm_layout *l, Dwfl_Module **modp, struct proc *p, struct coremem *cm,
                char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    *modp = NULL;
    uint64_t addr;
    Dwfl_Module *mod = proc_find_symbol(p, "libmap_layout", &addr, NULL, PREFER_LIBRARY);
    struct lmi_note_addrs note = {0};
    if (mod == NULL) {
        /* no symbol table names it (a stripped static program): the note */
        mod = debugnote_find(p, &note);
        addr = note.layout;
    }
    if (mod == NULL) {
        char missing[1024];
        if (proc_missing_files(p, missing, sizeof missing) > 0)
            snprintf(err, errlen,
                     "no module of the process defines libmap_layout; these files could not be "
                     "used (the executable and libraries must be the ones that ran, not "
                     "rebuilt since): %s",
                     missing);
        else
            snprintf(err, errlen,
                     "no module of the process defines libmap_layout: the program does not "
                     "use libmap");
        return -1;
    }
    *modp = mod;
    snprintf(l->module, sizeof l->module, "%s", proc_module_name(mod));
    /* First the core's bytes; then, if the core did not save the page (the
     * usual case for .rodata), the module's file. */
    char err1[256], err2[256];
    uint64_t fb_before = cm->fallback_reads;
    if (layout_read(l, &cm->mem, 0, addr, err1, sizeof err1) == 0) {
        l->source = cm->fallback_reads != fb_before ? "file" : "core";
    } else if (layout_read(l, &cm->mem, 1, addr, err2, sizeof err2) == 0) {
        /* the core's copy is damaged; the file's is the same constant */
        l->source = "file";
        snprintf(l->note, sizeof l->note, "the core's copy of libmap_layout is unusable (%s); "
                 "read it from %s", err1, proc_module_name(mod));
    } else {
        snprintf(err, errlen, "%s (in %s)", err1, proc_module_name(mod));
        return -1;
    }
    uint64_t a;
    if (note.version) {
        l->panic_addr = note.panic_record;
        l->registry_addr = note.registry;
        l->from_note = 1;
    } else {
        /* in any module: the executable holds copies of the globals it
         * refers to (copy relocations), libmap.so the others */
        if (proc_find_symbol(p, "libmap_panic_record", &a, NULL, PREFER_EXECUTABLE) != NULL)
            l->panic_addr = a;
        if (proc_find_symbol(p, "libmap_registry", &a, NULL, PREFER_EXECUTABLE) != NULL)
            l->registry_addr = a;
    }
    return 0;
}
