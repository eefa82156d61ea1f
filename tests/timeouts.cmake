# tests/timeouts.cmake — each test's time on a quiet machine, and the
# timeout derived from it: 5x that time, at least 20 s (process start-up,
# a session daemon or gdb under load), times 3 in a sanitizer build.
# libmap_apply_test_timeouts() sets TIMEOUT on every test of the calling
# directory that is listed here; a test of the default suite missing from
# the list keeps the timeout its directory gave it and is named at
# configure time, so that the list is kept up to date.
#
# Seconds measured on a quiet 2-core machine with `ctest -j2` of the default
# suite (RelWithDebInfo). To measure again after adding or changing tests:
#   scripts/test-timeouts.sh [BUILD_DIR]   (rewrites the list below)
set(LIBMAP_TEST_QUIET_SECONDS
  cli_lost_output 0.5
  coredump_debuginfod 2.5
  coredump_demo_write_write 10.3
  coredump_fixture_corrupt 0.4
  coredump_fixture_corrupt-cycle 0.4
  coredump_fixture_corrupt-shared 0.4
  coredump_fixture_deletes 0.4
  coredump_fixture_doubling 0.5
  coredump_fixture_indirect 0.4
  coredump_fixture_multi 1.1
  coredump_fixture_overflow 0.5
  coredump_fixture_samesize 0.4
  coredump_fixture_segv-alone 0.4
  coredump_fixture_segv-own-write 0.4
  coredump_fixture_segv-read 0.4
  coredump_fixture_segv-write 0.4
  coredump_fixture_small 0.5
  coredump_fixture_strings 0.4
  coredump_fixture_strings-doubling 0.5
  coredump_fixture_userhash 0.4
  coredump_fuzz_bounded 21.0
  coredump_fuzz_segv 5.4
  coredump_inputs 2.0
  coredump_layout_from_core 0.4
  coredump_nodebug_doubling 0.4
  coredump_nodebug_samesize 0.4
  coredump_nodebug_segv-read 0.4
  coredump_nodebug_small 0.4
  coredump_nodebug_strings 0.4
  coredump_old-descriptor_segv-read 0.6
  coredump_padded_corrupt 0.5
  coredump_padded_doubling 0.5
  coredump_padded_indirect 0.4
  coredump_padded_overflow 0.5
  coredump_padded_samesize 0.5
  coredump_padded_segv-read 0.4
  coredump_padded_small 0.5
  coredump_padded_strings 0.4
  coredump_panic_marker 8.0
  coredump_lock_holders 4.0
  coredump_lock_holders_stripped 4.0
  coredump_sliced_corrupt 0.5
  coredump_sliced_corrupt-cycle 0.5
  coredump_sliced_corrupt-shared 0.5
  coredump_sliced_doubling 0.4
  coredump_sliced_overflow 0.5
  coredump_sliced_samesize 0.4
  coredump_static_doubling 0.5
  coredump_static_segv-read 0.4
  coredump_static_small 0.5
  coredump_static_strings 0.5
  coredump_stripped_doubling 0.2
  coredump_stripped_small 0.2
  coredump_stripped_strings 0.1
  coredump_truncated 0.2
  coredump_truncated_cuts 3.0
  coredump_unsaved 0.2
  gdb_abi 0.3
  gdb_autoload 14.6
  gdb_bench_1m 27.5
  gdb_buckets_growth 3.0
  gdb_buckets_growth_strings 3.0
  gdb_contract_drift 0.3
  gdb_core 0.7
  gdb_demo_panic 5.5
  gdb_fixture-nodebug_corrupt 0.7
  gdb_fixture-nodebug_corrupt-cycle 0.7
  gdb_fixture-nodebug_deletes 0.8
  gdb_fixture-nodebug_doubling 0.7
  gdb_fixture-nodebug_indirect 0.6
  gdb_fixture-nodebug_overflow 0.7
  gdb_fixture-nodebug_samesize 0.6
  gdb_fixture-nodebug_segv-read 0.7
  gdb_fixture-nodebug_small 0.7
  gdb_fixture-nodebug_strings 0.8
  gdb_fixture-nodebug_strings-doubling 1.5
  gdb_fixture-padded_corrupt 0.7
  gdb_fixture-padded_corrupt-cycle 0.7
  gdb_fixture-padded_deletes 0.7
  gdb_fixture-padded_doubling 0.7
  gdb_fixture-padded_indirect 0.7
  gdb_fixture-padded_overflow 0.7
  gdb_fixture-padded_samesize 0.7
  gdb_fixture-padded_segv-read 0.8
  gdb_fixture-padded_small 0.7
  gdb_fixture-padded_strings 0.7
  gdb_fixture-padded_strings-doubling 1.5
  gdb_fixture-stripped_corrupt 0.4
  gdb_fixture-stripped_corrupt-cycle 0.4
  gdb_fixture-stripped_deletes 0.4
  gdb_fixture-stripped_doubling 0.3
  gdb_fixture-stripped_indirect 0.4
  gdb_fixture-stripped_overflow 0.3
  gdb_fixture-stripped_samesize 0.4
  gdb_fixture-stripped_small 0.3
  gdb_fixture-stripped_strings 0.4
  gdb_fixture-stripped_strings-doubling 0.5
  gdb_fixture_corrupt 0.8
  gdb_fixture_corrupt-cycle 0.8
  gdb_fixture_deletes 0.8
  gdb_fixture_doubling 0.7
  gdb_fixture_indirect 0.9
  gdb_fixture_overflow 0.7
  gdb_fixture_samesize 0.7
  gdb_fixture_segv-alone 0.8
  gdb_fixture_segv-own-write 0.8
  gdb_fixture_segv-read 0.7
  gdb_fixture_segv-write 0.8
  gdb_fixture_small 0.7
  gdb_fixture_strings 0.7
  gdb_fixture_strings-doubling 1.5
  gdb_live 0.7
  gdb_old_descriptor_segv-read 1.3
  install_consumers 2.9
  race_demo 1.9
  race_end_check 0.3
  race_iter_write 0.2
  race_natural_stress 7.4
  race_no_false_positive_atomic 1.0
  race_no_false_positive_condvar 0.9
  race_no_false_positive_join 0.5
  race_no_false_positive_mutex 0.4
  race_no_false_positive_rwlock 0.3
  race_no_false_positive_sem 0.7
  race_read_write 0.3
  race_write_write 0.7
  safe_api 0.1
  safe_shard_internals 0.2
  safe_demo_fixed_grow_shard 0.6
  safe_demo_fixed_grow_sync 0.4
  safe_demo_fixed_iter-write_shard 0.4
  safe_demo_fixed_iter-write_sync 0.6
  safe_demo_fixed_read-write_shard 0.3
  safe_demo_fixed_read-write_sync 0.3
  safe_demo_fixed_write-write_shard 0.5
  safe_demo_fixed_write-write_sync 0.6
  safe_model_lock_pthread-wp_shard_8 0.5
  safe_model_lock_pthread-wp_sync_8 0.5
  safe_model_lock_pthread_shard_8 0.5
  safe_model_lock_pthread_sync_8 0.5
  safe_model_shard_1 0.2
  safe_model_shard_2 0.3
  safe_model_shard_4 0.2
  safe_model_shard_8 0.5
  safe_model_sync_1 0.1
  safe_model_sync_2 0.3
  safe_model_sync_4 0.4
  safe_model_sync_8 0.3
  stacks_cxx_race_O0 6.5
  stacks_cxx_race_O2 6.5
  stacks_cxx_race_O3 6.5
  stacks_inline_race_O0 6.5
  stacks_inline_race_O2 6.5
  stacks_inline_race_O3 6.5
  stacks_inline_race_static 6.5
  trace_compiled_out 1.4
  trace_flight 4.9
  trace_flight_demo10 11.2
  trace_no_lttng 0.4
  trace_no_lttng_hidden 0.3
  trace_record 3.3
  trace_record_cli 5.6
  trace_record_concurrent 4.9
  trace_record_sigkill 4.3
  trace_relayd 4.2
  unit.allocfail 0.1
  unit.model 1.8
  unit.test_config 0.1
  unit.test_iter 0.1
  unit.test_json 0.1
  unit.test_keys 0.1
  unit.test_layout 0.1
  unit.test_inspect 0.3
  unit.test_inspect_layout 0.1
  unit.test_inspect_records 0.3
  unit.test_invariants 0.1
  unit.test_ops 0.5
  viewer-export-chrome 0.6
  viewer-export-chrome-big 7.3
  viewer-export-chrome-map 0.6
  viewer-export-html 5.2
  viewer-export-html-big 13.8
  viewer-export-html-map 5.1
  viewer-export-unit 0.2
  viewer_cli_damaged 4.0
  viewer_cli_empty 0.2
  viewer_cli_help 0.3
  viewer_cli_missing 0.3
  viewer_cli_no_session 2.5
  viewer_cli_not_libmap 0.3
  viewer_cli_recorded 1.9
  viewer_cli_truncated 1.0
  viewer_cli_unreachable 0.7
  viewer_cli_usage 0.5
  viewer_demo10 9.7
  viewer_golden_grow 7.7
  viewer_golden_overlap 4.9
  viewer_golden_race-flight 12.6
  viewer_golden_race-local 7.5
  viewer_live 7.4
  viewer_lock_waits 15.0
  viewer_natural_races 60.0
  viewer_processes 2.0
)

function(libmap_apply_test_timeouts)
  set(factor 5)
  if(LIBMAP_SANITIZE)
    set(factor 15)
  endif()
  set(quiet ${LIBMAP_TEST_QUIET_SECONDS})
  get_property(all_tests DIRECTORY PROPERTY TESTS)
  set(unlisted "")
  foreach(t ${all_tests})
    list(FIND quiet "${t}" at)
    if(at EQUAL -1)
      get_test_property(${t} LABELS labels)
      if(NOT labels MATCHES "(^|;)(long|bench)(;|$)")
        list(APPEND unlisted ${t})
      endif()
      continue()
    endif()
    math(EXPR at "${at} + 1")
    list(GET quiet ${at} seconds)
    # CMake's math() is integer only: tenths of a second.
    string(REGEX REPLACE "\\.([0-9])$" "\\1" tenths "${seconds}")
    math(EXPR timeout "(${tenths} * ${factor} + 9) / 10")
    if(timeout LESS 20)
      set(timeout 20)
    endif()
    set_tests_properties(${t} PROPERTIES TIMEOUT ${timeout})
  endforeach()
  if(unlisted)
    message(STATUS "tests without a measured time in tests/timeouts.cmake "
                   "(scripts/test-timeouts.sh): ${unlisted}")
  endif()
endfunction()
