# tests/viewer/golden.cmake — libmap-timeline on traces that the tests record
# with the real libmap-record in the sandbox (test-golden.sh: the fixture's
# race in local and flight-recorder mode, a grow during overlapping writes,
# an overlapping pair without panic), and the issue's bar on libmap-demo:
# 10 flight-recorder snapshots out of 10 name both colliding writes
# (test-demo10.sh). Label: viewer.
set(viewer_dir ${CMAKE_CURRENT_SOURCE_DIR})
foreach(case race-local race-flight grow overlap)
  viewer_sandbox_test(viewer_golden_${case} viewer 120 sh ${viewer_dir}/test-golden.sh ${case})
endforeach()
# the flight case also runs the HTML check in Chromium
set_tests_properties(viewer_golden_race-flight PROPERTIES RESOURCE_LOCK chromium)

if(TARGET libmap-demo)
  viewer_sandbox_test(viewer_demo10 viewer 300 sh ${viewer_dir}/test-demo10.sh 10)
endif()
