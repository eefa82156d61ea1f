/*
 * layout.c — the exported layout descriptor (libmap_layout in the debug
 * contract), computed by the compiler from internal.h so it cannot drift.
 * It lives in read-only data: a core may not hold it, but the mapped
 * libmap binary does, so tools can read it even from stripped builds.
 * Also the debug note (debug.h, LIBMAP_NOTE_TYPE) that leads tools to it,
 * to the panic record and to the registry when there is no symbol table.
 */
#include "internal.h"

#define OFF(type, field) ((uint32_t)offsetof(type, field))
#define WIDTH(type, field) ((uint32_t)sizeof(((type *)0)->field))

__attribute__((used)) const struct libmap_layout libmap_layout = {
    .magic = LIBMAP_LAYOUT_MAGIC,
    .version = LIBMAP_LAYOUT_VERSION,
    .size = sizeof(struct libmap_layout),

    .bucket_cnt = BUCKET_CNT,
    .max_inline = LIBMAP_MAX_INLINE,
    .load_factor_num = LOAD_FACTOR_NUM,
    .load_factor_den = LOAD_FACTOR_DEN,
    .empty_rest = EMPTY_REST,
    .empty_one = EMPTY_ONE,
    .evacuated_x = EVAC_X,
    .evacuated_y = EVAC_Y,
    .evacuated_empty = EVAC_EMPTY,
    .min_tophash = MIN_TOPHASH,
    .flag_iterator = F_ITERATOR,
    .flag_old_iterator = F_OLD_ITERATOR,
    .flag_same_size_grow = F_SAME_SIZE_GROW,
    .writer_op_mask = LIBMAP_WRITER_OP_MASK,
    .writer_held = LIBMAP_WRITER_HELD,
    .writer_tid_shift = LIBMAP_WRITER_TID_SHIFT,
    .key_kind_bytes = LIBMAP_KEY_BYTES,
    .key_kind_u32 = LIBMAP_KEY_U32,
    .key_kind_u64 = LIBMAP_KEY_U64,
    .key_kind_string = LIBMAP_KEY_STRING,
    .type_flag_indirect_key = T_INDIRECT_KEY,
    .type_flag_indirect_value = T_INDIRECT_VALUE,
    .map_magic = MAP_MAGIC,

    .map_size = sizeof(struct libmap),
    .map_magic_off = OFF(struct libmap, magic),
    .map_count = OFF(struct libmap, count),
    .map_flags = OFF(struct libmap, flags),
    .map_B = OFF(struct libmap, B),
    .map_noverflow = OFF(struct libmap, noverflow),
    .map_hash0 = OFF(struct libmap, hash0),
    .map_buckets = OFF(struct libmap, buckets),
    .map_oldbuckets = OFF(struct libmap, oldbuckets),
    .map_nevacuate = OFF(struct libmap, nevacuate),
    .map_next_overflow = OFF(struct libmap, next_overflow),
    .map_writer = OFF(struct libmap, writer),
    .map_clearseq = OFF(struct libmap, clearseq),
    .map_reg_next = OFF(struct libmap, reg_next),
    .map_reg_prev = OFF(struct libmap, reg_prev),
    .map_type = OFF(struct libmap, t),

    .type_key_kind = OFF(struct libmap_type, key_kind),
    .type_flags = OFF(struct libmap_type, flags),
    .type_key_size = OFF(struct libmap_type, key_size),
    .type_value_size = OFF(struct libmap_type, value_size),
    .type_key_slot = OFF(struct libmap_type, key_slot),
    .type_value_slot = OFF(struct libmap_type, value_slot),
    .type_bucket_size = OFF(struct libmap_type, bucket_size),
    .type_key_offset = OFF(struct libmap_type, key_offset),
    .type_value_offset = OFF(struct libmap_type, value_offset),
    .type_overflow_offset = OFF(struct libmap_type, overflow_offset),
    .width_count = WIDTH(struct libmap, count),
    .width_B = WIDTH(struct libmap, B),
    .width_flags = WIDTH(struct libmap, flags),
    .width_noverflow = WIDTH(struct libmap, noverflow),
    .width_key_size = WIDTH(struct libmap_type, key_size),
    .width_value_size = WIDTH(struct libmap_type, value_size),
    .width_key_slot = WIDTH(struct libmap_type, key_slot),
    .width_value_slot = WIDTH(struct libmap_type, value_slot),
    .width_bucket_size = WIDTH(struct libmap_type, bucket_size),
    .width_offsets = WIDTH(struct libmap_type, value_offset),

    .str_size = sizeof(libmap_str),
    .str_ptr = OFF(libmap_str, ptr),
    .str_len = OFF(libmap_str, len),

    .panic_size = sizeof(struct libmap_panic_record),
    .panic_magic = OFF(struct libmap_panic_record, magic),
    .panic_kind = OFF(struct libmap_panic_record, kind),
    .panic_map = OFF(struct libmap_panic_record, map),
    .panic_op = OFF(struct libmap_panic_record, op),
    .panic_writer_op = OFF(struct libmap_panic_record, writer_op),
    .panic_tid = OFF(struct libmap_panic_record, tid),
    .panic_writer_tid = OFF(struct libmap_panic_record, writer_tid),
    .panic_pid = OFF(struct libmap_panic_record, pid),
    .panic_writer_held = OFF(struct libmap_panic_record, writer_held),
    .panic_realtime_ns = OFF(struct libmap_panic_record, realtime_ns),
    .panic_monotonic_ns = OFF(struct libmap_panic_record, monotonic_ns),
    .panic_message = OFF(struct libmap_panic_record, message),
    .panic_message_size = WIDTH(struct libmap_panic_record, message),

    .registry_size = sizeof(struct libmap_registry),
    .registry_magic = OFF(struct libmap_registry, magic),
    .registry_head = OFF(struct libmap_registry, head),
    .registry_count = OFF(struct libmap_registry, count),

    .width_key_kind = WIDTH(struct libmap_type, key_kind),
    .width_type_flags = WIDTH(struct libmap_type, flags),
    .width_key_offset = WIDTH(struct libmap_type, key_offset),
    .width_nevacuate = WIDTH(struct libmap, nevacuate),
    .width_hash0 = WIDTH(struct libmap, hash0),
    .width_pointer = sizeof(void *),
    .type_hash = OFF(struct libmap_type, hash),
    .writer_panic = LIBMAP_WRITER_PANIC,
    .writer_seq_shift = LIBMAP_WRITER_SEQ_SHIFT,
    .writer_seq_mask = LIBMAP_WRITER_SEQ_MASK,
};

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
