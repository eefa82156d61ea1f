/*
 * slots_json.h — a slot's key and value as JSON members (slots_json.c).
 */
#ifndef LIBMAP_COREDUMP_SLOTS_JSON_H
#define LIBMAP_COREDUMP_SLOTS_JSON_H

#include "json.h"
#include "slots.h"

/* JSON members "key" (and "key_hex" for string and bytes keys). */
void key_json(struct json *j, const struct slot_reader *r, const struct slot_key *k);
/* JSON members "value_hex" (and "value" for values of 1, 2, 4 or 8 bytes). */
void value_json(struct json *j, const struct slot_reader *r, const uint8_t *p, uint64_t len);

#endif
