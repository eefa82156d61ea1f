# tests/viewer/bench.cmake — the short bounded run of bench/timeline.sh
# (200k writes, 3 repetitions): records the trace, checks that nothing was
# discarded and that libmap-timeline --summary counts every event, prints
# the timings against babeltrace2's dummy sink. Label: bench (outside the
# default suite; the full 10M-event run is bench/timeline.sh without --quick).
add_test(NAME viewer_bench_quick
  COMMAND sh ${PROJECT_SOURCE_DIR}/bench/timeline.sh --quick --build-dir ${PROJECT_BINARY_DIR})
set_tests_properties(viewer_bench_quick PROPERTIES LABELS bench TIMEOUT 300 RUN_SERIAL TRUE)
