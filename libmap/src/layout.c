/*
 * layout.c — the exported layout descriptor (libmap_layout in the debug
 * contract), filled from the contract table of debug.h and computed by the
 * compiler from internal.h, so it cannot drift.
 * It lives in read-only data: a core may not hold it, but the mapped
 * libmap binary does, so tools can read it even from stripped builds.
 * Also the debug note (debug.h, LIBMAP_NOTE_TYPE) that leads tools to it,
 * to the panic record and to the registry when there is no symbol table.
 */
#include "internal.h"
#include "lock.h"

/* Every field's value, from the contract table (debug.h,
 * LIBMAP_LAYOUT_FIELDS): offsetof/sizeof of internal.h's structures and
 * the constants of internal.h and debug.h. */
#define INIT(type, field, KIND, a, b) .field = (type)LIBMAP_LAYOUT_VALUE(KIND, a, b),
__attribute__((used)) const struct libmap_layout libmap_layout = {LIBMAP_LAYOUT_FIELDS(INIT)};
#undef INIT

/* The generated struct keeps the binary layout of version 1 (the offsets
 * printed by the hand-written struct it replaced): old tools read new
 * descriptors, new tools old ones. */
#define AT(field, off) _Static_assert(offsetof(struct libmap_layout, field) == (off), #field)
AT(version, 8);
AT(size, 12);
AT(bucket_cnt, 16);
AT(type_flag_indirect_value, 100);
AT(map_magic, 104);
AT(map_size, 112);
AT(map_type, 172);
AT(type_key_kind, 176);
AT(width_offsets, 252);
AT(str_size, 256);
AT(panic_size, 268);
AT(panic_message_size, 320);
AT(registry_count, 336);
AT(width_key_kind, 340);
AT(width_pointer, 360);
AT(type_hash, 364);
AT(writer_panic, 368);
AT(writer_seq_mask, 376);
AT(noverflow_max_b, 380);
AT(map_guard, 384);
#undef AT

extern const struct libmap_layout libmap_layout_local
    __attribute__((alias("libmap_layout"), visibility("hidden")));

#define NOTE_STR_(x) #x
#define NOTE_STR(x) NOTE_STR_(x)
/* namesz 7 ("libmap" and its NUL), descsz 32 (debug.h); each offset is
 * taken from its own address (`sym - .`), a link-time constant. */
_Static_assert(sizeof LIBMAP_NOTE_NAME == 7, "the note's namesz below is 7");
__asm__(".pushsection .note.libmap, \"a\", %note\n"
        ".balign 4\n"
        ".long 7\n"
        ".long 32\n"
        ".long " NOTE_STR(LIBMAP_NOTE_TYPE) "\n"
        ".asciz \"" LIBMAP_NOTE_NAME "\"\n"
        ".balign 4\n"
        ".long " NOTE_STR(LIBMAP_NOTE_VERSION) "\n"
        ".long 0\n"
        ".quad libmap_layout_local - .\n"
        ".quad libmap_panic_record_local - .\n"
        ".quad libmap_registry_local - .\n"
        ".balign 4\n"
        ".popsection\n");
