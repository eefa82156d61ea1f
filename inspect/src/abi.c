/*
 * abi.c — lmi_abi_sizes: the sizes of <libmap/inspect.h>'s public
 * structures, so that a binding that copies them (the gdb scripts' ctypes
 * definitions, inspect_lib.py) checks its copies at load time.
 */
#include <libmap/inspect.h>

size_t lmi_abi_sizes(size_t *sizes, size_t n)
{
    const size_t all[] = {
        sizeof(struct lmi_target_config), sizeof(struct lmi_problem), sizeof(struct lmi_stats),
        sizeof(struct lmi_entry),         sizeof(struct lmi_map),     sizeof(struct lmi_bucket),
        sizeof(struct lmi_panic),         sizeof(struct lmi_thread),  sizeof(struct lmi_diagnosis),
        sizeof(struct lmi_note_addrs),
    };
    size_t count = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n && i < count; i++)
        sizes[i] = all[i];
    return count;
}
