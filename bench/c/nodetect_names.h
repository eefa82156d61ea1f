/*
 * nodetect_names.h — for bench-onoff, which links libmap twice: with
 * detection (libmap_static) and without (a copy of libmap_nodetect whose
 * global symbols rename_symbols.cmake prefixed with nd_). Included first by
 * driver_libmap.c when BENCH_ND_RENAMED is defined, it points the driver at
 * the nd_ copy and gives the driver's own symbols the nd_ prefix too.
 */
#ifndef BENCH_NODETECT_NAMES_H
#define BENCH_NODETECT_NAMES_H

#define libmap_new nd_libmap_new
#define libmap_free nd_libmap_free
#define libmap_len nd_libmap_len
#define libmap_strerror nd_libmap_strerror
#define libmap_assign_u64 nd_libmap_assign_u64
#define libmap_lookup_u64 nd_libmap_lookup_u64
#define libmap_delete_u64 nd_libmap_delete_u64
#define libmap_assign_str nd_libmap_assign_str
#define libmap_lookup_str nd_libmap_lookup_str
#define libmap_delete_str nd_libmap_delete_str
#define libmap_iter_init nd_libmap_iter_init
#define libmap_iter_next nd_libmap_iter_next

#define driver_name nd_driver_name
#define driver_run_u64 nd_driver_run_u64
#define driver_run_str nd_driver_run_str

#endif
