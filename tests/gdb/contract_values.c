/*
 * contract_values.c — prints libmap's debug contract as this build's C
 * compiler sees it (debug.h's macros, enumerators and struct libmap_layout),
 * one tab-separated line per value, for contract_drift.py to compare with
 * the gdb scripts' generated libmap_gdb/contract.py.
 */
#include <stdio.h>

#include <libmap/debug.h>

int main(void)
{
#define MACRO(NAME) printf("macro\t%s\t%llu\n", #NAME, (unsigned long long)(NAME));
    LIBMAP_MACROS(MACRO)
#undef MACRO
#define STRING(NAME) printf("string\t%s\t%s\n", #NAME, NAME);
    LIBMAP_STRING_MACROS(STRING)
#undef STRING
#define OP(NAME, value, name) printf("op\t%d\t%s\n", (int)LIBMAP_OP_##NAME, name);
    LIBMAP_OPS(OP)
#undef OP
#define KIND(NAME, value, name, message)                                                     \
    printf("panic\t%d\t%s\t%s\n", (int)LIBMAP_PANIC_##NAME, name, message);
    LIBMAP_PANIC_KINDS(KIND)
#undef KIND
#define GROWTH(NAME, value, name) printf("growth\t%s\t%d\n", name, (int)LIBMAP_##NAME);
    LIBMAP_GROWTH(GROWTH)
#undef GROWTH
#define FIELD(type, field, KIND, a, b)                                                       \
    printf("field\t%s\t%zu\t%zu\n", #field, offsetof(struct libmap_layout, field),            \
           sizeof(((struct libmap_layout *)0)->field));
    LIBMAP_LAYOUT_FIELDS(FIELD)
#undef FIELD
    printf("size\t%zu\n", sizeof(struct libmap_layout));
    return 0;
}
