# tests/viewer/natural.cmake — natural races (no hook, no lock) recorded with
# libmap-record --flight: libmap-timeline's verdict on the other writer
# agrees with libmap-coredump on the core of the same run, RUNS times for
# each of four kinds of race (test-natural-races.sh); a trace of several
# processes (test-processes.sh). Label: viewer.
set(viewer_natural_env COREDUMP=$<TARGET_FILE:libmap-coredump>)
list(APPEND viewer_extra_env ${viewer_natural_env})
viewer_sandbox_test(viewer_natural_races viewer 600
  sh ${CMAKE_CURRENT_SOURCE_DIR}/test-natural-races.sh)
list(REMOVE_ITEM viewer_extra_env ${viewer_natural_env})

# A trace of two processes, each with its own race: every panic reported,
# lanes grouped by process, --pid (test-processes.sh).
viewer_sandbox_test(viewer_processes viewer 120
  sh ${CMAKE_CURRENT_SOURCE_DIR}/test-processes.sh)
