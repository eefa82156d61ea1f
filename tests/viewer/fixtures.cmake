# tests/viewer/fixtures.cmake — the programs whose traces the viewer tests
# record (timeline-fixture: the race, grow and overlap modes with their
# oracle; timeline-load: a steady workload for the live test and the
# benchmark), and viewer_sandbox_test(), which runs a test script in
# tests/trace/sandbox.sh (private LTTng daemons) with the programs it needs
# in its environment and a fresh scratch directory.

add_executable(timeline-fixture timeline-fixture.c)
target_link_libraries(timeline-fixture PRIVATE libmap::libmap libmap_test_common Threads::Threads)
target_compile_definitions(timeline-fixture PRIVATE _GNU_SOURCE)

add_executable(timeline-load timeline-load.c)
target_link_libraries(timeline-load PRIVATE libmap::libmap libmap_test_common Threads::Threads)
target_compile_definitions(timeline-load PRIVATE _GNU_SOURCE)

# trace_test()'s own DEMO and ASAN_OPTIONS come from tests/trace's scope,
# which is not this one: set here again (cmake -E env: the last one wins).
set(viewer_extra_env "")
if(TARGET libmap-demo)
  list(APPEND viewer_extra_env DEMO=$<TARGET_FILE:libmap-demo>)
endif()
if(LIBMAP_SANITIZE)
  list(APPEND viewer_extra_env ASAN_OPTIONS=verify_asan_link_order=0)
endif()

# viewer_sandbox_test(NAME LABELS TIMEOUT COMMAND [ARGS...]): tests/trace's
# trace_test() (sandbox, scratch directory $WORK, RECORD, DEMO, ...) plus the
# viewer's programs and this folder's scripts in the environment.
function(viewer_sandbox_test name labels timeout)
  if(NOT COMMAND trace_test)
    message(FATAL_ERROR "tests/viewer needs trace_test() from tests/trace")
  endif()
  set(TRACE_TEST_ENV
    TIMELINE=$<TARGET_FILE:libmap-timeline>
    FIXTURE=$<TARGET_FILE:timeline-fixture>
    LOAD=$<TARGET_FILE:timeline-load>
    TRACE_LIB=${PROJECT_SOURCE_DIR}/tests/trace/lib.sh
    VIEWER_TESTS=${CMAKE_CURRENT_SOURCE_DIR}
    ${viewer_extra_env})
  trace_test(${name} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${timeout})
endfunction()
