/*
 * gen_contract.c — writes libmap_gdb/contract.py, the gdb scripts' copy of
 * libmap's debug contract, from the contract tables of libmap/debug.h (as
 * Linux writes its gdb scripts' constants.py from constants.py.in): the
 * contract's macros, the operations, panic kinds and growth constants, and
 * the fields of struct libmap_layout with their offsets and sizes (the
 * scripts use the names; libmap-inspect decodes the descriptor). Run at
 * build time by gdb-scripts/CMakeLists.txt; tests/gdb's contract_drift
 * checks the result against the header.
 * Usage: gen_contract OUTPUT.py
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libmap/debug.h>

static int bad; /* a table entry whose name does not follow its C name */

/* "name" must be NAME in lower case: the scripts print these names, and the
 * DWARF enums they prefer give them as LIBMAP_OP_NAME. */
static const char *checked_name(const char *NAME, const char *name)
{
    size_t i = 0;
    for (; NAME[i] && name[i]; i++)
        if (tolower((unsigned char)NAME[i]) != name[i])
            break;
    if (NAME[i] || name[i]) {
        fprintf(stderr, "gen_contract: table entry %s is named \"%s\"\n", NAME, name);
        bad = 1;
    }
    return name;
}

static void py_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_contract OUTPUT.py\n");
        return 2;
    }
    FILE *o = fopen(argv[1], "w");
    if (o == NULL) {
        perror(argv[1]);
        return 1;
    }
    fprintf(o, "# contract.py — libmap's debug contract for the gdb scripts: generated at\n"
               "# build time by gdb-scripts/gen_contract.c from the contract tables of\n"
               "# libmap/debug.h. Do not edit; rebuild.\n\n");

    fprintf(o, "# the contract's macros (magic numbers, versions, writer-word bits, note)\n");
#define MACRO(NAME) fprintf(o, "%s = %#llx\n", #NAME, (unsigned long long)(NAME));
    LIBMAP_MACROS(MACRO)
#undef MACRO
#define STRING(NAME)                                                                         \
    fprintf(o, "%s = ", #NAME);                                                              \
    py_str(o, NAME);                                                                         \
    fputc('\n', o);
    LIBMAP_STRING_MACROS(STRING)
#undef STRING
    fprintf(o, "MACROS = {\n");
#define MACRO(NAME) fprintf(o, "    \"%s\": %s,\n", #NAME, #NAME);
    LIBMAP_MACROS(MACRO)
    LIBMAP_STRING_MACROS(MACRO)
#undef MACRO
    fprintf(o, "}\n\n");

    fprintf(o, "# enum libmap_op: {value: name}\nOPS = {\n");
#define OP(NAME, value, name)                                                                \
    fprintf(o, "    %d: \"%s\",\n", (int)LIBMAP_OP_##NAME, checked_name(#NAME, name));
    LIBMAP_OPS(OP)
#undef OP
    fprintf(o, "}\n\n# enum libmap_panic_kind: {value: name}, {value: Go's message}\n"
               "PANIC_KINDS = {\n");
#define KIND(NAME, value, name, message)                                                     \
    fprintf(o, "    %d: \"%s\",\n", (int)LIBMAP_PANIC_##NAME, checked_name(#NAME, name));
    LIBMAP_PANIC_KINDS(KIND)
#undef KIND
    fprintf(o, "}\nPANIC_MESSAGES = {\n");
#define KIND(NAME, value, name, message)                                                     \
    fprintf(o, "    %d: ", (int)LIBMAP_PANIC_##NAME);                                        \
    py_str(o, message);                                                                      \
    fprintf(o, ",\n");
    LIBMAP_PANIC_KINDS(KIND)
#undef KIND
    fprintf(o, "}\n\n# enum libmap_growth (the fallback for descriptors older than a field)\n"
               "GROWTH = {\n");
#define GROWTH(NAME, value, name)                                                            \
    fprintf(o, "    \"%s\": %d,\n", checked_name(#NAME, name), (int)LIBMAP_##NAME);
    LIBMAP_GROWTH(GROWTH)
#undef GROWTH
    fprintf(o, "}\n\n# enum libmap_guard_kind: {value: name} (the safe maps' locks)\n"
               "GUARD_KINDS = {\n");
#define GUARD(NAME, value, name)                                                             \
    fprintf(o, "    %d: \"%s\",\n", (int)LIBMAP_GUARD_##NAME, checked_name(#NAME, name));
    LIBMAP_GUARD_KINDS(GUARD)
#undef GUARD
    fprintf(o, "}\n\n");

    fprintf(o, "# struct libmap_layout: (field, offset, size) in binary order; fields past\n"
               "# a descriptor's size field are absent from it (appended later). The\n"
               "# scripts take the names only (libmap-inspect's lmi_layout_value gives\n"
               "# the values); the tests make a core's descriptor older with the offsets.\n"
               "LAYOUT_SIZE = %zu\nLAYOUT_FIELDS = (\n",
            sizeof(struct libmap_layout));
#define FIELD(type, field, KIND, a, b)                                                       \
    fprintf(o, "    (\"%s\", %zu, %zu),\n", #field, offsetof(struct libmap_layout, field),     \
            sizeof(type));
    LIBMAP_LAYOUT_FIELDS(FIELD)
#undef FIELD
    fprintf(o, ")\n");

    if (fclose(o) != 0 || bad) {
        if (!bad)
            perror(argv[1]);
        remove(argv[1]);
        return 1;
    }
    return 0;
}
