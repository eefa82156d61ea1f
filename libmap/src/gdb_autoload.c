/*
 * gdb_autoload.c — names libmap's gdb script in a .debug_gdb_scripts section
 * of libmap.so (gdb's documented auto-load mechanism: an entry of type 1,
 * SECTION_SCRIPT_ID_PYTHON_FILE, followed by the script's file name), so
 * that gdb loads the pretty printers and `libmap` commands whenever it loads
 * this library, on a live process or a core, once the script's directory is
 * an auto-load safe path. LIBMAP_GDB_SCRIPT (set by libmap/variant.cmake)
 * is the script's installed path; without it no section is emitted.
 */
#ifdef LIBMAP_GDB_SCRIPT
/* "MS" with entry size 1: the linker merges duplicate entries. */
__asm__(".pushsection \".debug_gdb_scripts\", \"MS\", %progbits, 1\n"
        ".byte 1\n"
        ".asciz \"" LIBMAP_GDB_SCRIPT "\"\n"
        ".popsection\n");
#endif

typedef int libmap_gdb_autoload_unit; /* ISO C wants a declaration per unit */
