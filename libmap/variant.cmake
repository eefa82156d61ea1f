# libmap/variant.cmake — libmap_add_variant(): the one way to build libmap
# from its sources. The shipped libraries (libmap, libmap_static) and every
# variant built for a test or a benchmark (detection compiled out for bench/,
# tracing compiled out for tests/trace and bench/trace, a shifted layout and
# a stripped Release build for tests/fixtures) get the same settings from
# here, so that they cannot drift apart:
#
#   libmap_add_variant(NAME SHARED|STATIC
#                      [NOTRACE]            without the LTTng tracepoints, as
#                                           -DLIBMAP_TRACING=OFF builds it
#                      [GDB_AUTOLOAD]       name the installed gdb script in
#                                           .debug_gdb_scripts (gdb_autoload.c)
#                      [DEFINITIONS D...]   more compile definitions
#                      [OPTIONS O...]       more compile options (after the
#                                           build type's: the last -O wins)
#                      [OUTPUT_NAME N]      file name (default: NAME)
#                      [OUTPUT_DIRECTORY D])
#
# Included by the top-level CMakeLists.txt, so that every directory can call
# it. Sanitizers are not a variant: LIBMAP_SANITIZE applies to every target of
# the build (top-level CMakeLists.txt), since a sanitized library needs
# sanitized programs.

# libmap's private headers (internal.h...), for tests that look inside a map.
set(LIBMAP_SRC_DIR ${CMAKE_CURRENT_LIST_DIR}/src)

function(libmap_add_variant name type)
  cmake_parse_arguments(V "NOTRACE;GDB_AUTOLOAD" "OUTPUT_NAME;OUTPUT_DIRECTORY"
                        "DEFINITIONS;OPTIONS" ${ARGN})
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(sources "")
  # lock.c, safe.c, sync.c, shard.c: libmap_sync and libmap_shard (<libmap/sync.h>)
  foreach(s access.c alloc.c retire.c assign.c delete.c detect.c grow.c iter.c layout.c map.c
            rand.c registry.c trace.c trace_load.c gdb_autoload.c
            lock.c safe.c sync.c shard.c)
    list(APPEND sources ${dir}/src/${s})
  endforeach()
  add_library(${name} ${type} ${sources})
  target_include_directories(${name}
    PUBLIC $<BUILD_INTERFACE:${dir}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${dir}/src)
  target_compile_definitions(${name} PRIVATE _GNU_SOURCE ${V_DEFINITIONS})
  # Every function starts on a cache line. A cached lookup takes about 20
  # cycles, so where the linker happens to place it matters: with the
  # default 16-byte alignment, two builds of the same code measured 5%
  # apart on a 1K-key lookup hit (docs/performance.md).
  target_compile_options(${name} PRIVATE -falign-functions=64 ${V_OPTIONS})
  if(LIBMAP_TRACING AND NOT V_NOTRACE)
    # LTTng-UST tracepoints, dynamic linkage: headers at build time, nothing
    # from LTTng linked (src/trace.h, src/trace.c).
    target_compile_definitions(${name} PRIVATE LIBMAP_TRACING=1
      LIBMAP_PROBE_INSTALL_PATH="${CMAKE_INSTALL_FULL_LIBDIR}/liblibmap-lttng.so")
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tracepoints
                                               ${LTTNG_UST_INCLUDE_DIRS})
    target_link_libraries(${name} PRIVATE ${CMAKE_DL_LIBS})
  endif()
  if(V_GDB_AUTOLOAD)
    target_compile_definitions(${name} PRIVATE
      LIBMAP_GDB_SCRIPT="${CMAKE_INSTALL_FULL_DATADIR}/gdb/auto-load${CMAKE_INSTALL_FULL_LIBDIR}/libmap.so.${PROJECT_VERSION}-gdb.py")
  endif()
  # xxhash.h is used header-only (XXH_INLINE_ALL): no run-time dependency,
  # and nothing of it in the installed package's link interface.
  target_link_libraries(${name} PRIVATE $<BUILD_INTERFACE:PkgConfig::XXHASH>
                        PUBLIC Threads::Threads)
  if(NOT V_OUTPUT_NAME)
    set(V_OUTPUT_NAME ${name})
  endif()
  set_target_properties(${name} PROPERTIES OUTPUT_NAME ${V_OUTPUT_NAME}
                        C_VISIBILITY_PRESET hidden POSITION_INDEPENDENT_CODE ON)
  if(type STREQUAL "SHARED")
    set_target_properties(${name} PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION 0)
  endif()
  if(V_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${V_OUTPUT_DIRECTORY}
                          ARCHIVE_OUTPUT_DIRECTORY ${V_OUTPUT_DIRECTORY})
  endif()
endfunction()

# libmap_renamed_copy(): a static variant with its symbols renamed, to be
# linked beside another copy of libmap (bench/, inspect/)
include(${CMAKE_CURRENT_LIST_DIR}/renamed.cmake)
