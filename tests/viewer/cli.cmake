# tests/viewer/cli.cmake — libmap-timeline's command line: help, usage
# errors and every kind of bad input (missing or empty directory, a CTF
# trace without libmap events, truncated traces, an unreachable relay
# daemon, a missing live session), each a one-line error, the right exit
# status and bounded time. The traces are recorded at test time with
# libmap-record and libmap-demo, inside tests/trace/sandbox.sh. Label: viewer.
set(tl_cli_sandbox ${PROJECT_SOURCE_DIR}/tests/trace/sandbox.sh)
if(TARGET libmap-demo)
  set(tl_cli_demo $<TARGET_FILE:libmap-demo>)
else()
  set(tl_cli_demo "")
endif()

# tl_cli_test(NAME CASE): run cli-test.sh CASE in the sandbox with a fresh
# work directory.
function(tl_cli_test name case)
  set(work ${CMAKE_CURRENT_BINARY_DIR}/work/${name})
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -E env
      TIMELINE=$<TARGET_FILE:libmap-timeline>
      RECORD=$<TARGET_FILE:libmap-record>
      DEMO=${tl_cli_demo}
      WORK=${work}
      sh -c "rm -rf \"$WORK\" && mkdir -p \"$WORK\" && exec sh \"$0\" \"$@\""
      ${tl_cli_sandbox} sh ${CMAKE_CURRENT_SOURCE_DIR}/cli-test.sh ${case})
  set_tests_properties(${name} PROPERTIES LABELS viewer TIMEOUT 120 SKIP_RETURN_CODE 77)
endfunction()

foreach(case help usage missing empty not_libmap recorded truncated damaged unreachable
             no_session)
  tl_cli_test(viewer_cli_${case} ${case})
endforeach()
