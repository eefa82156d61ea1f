# tests/viewer/live.cmake — libmap-timeline reading a live session from the
# test's own lttng-relayd while the traced program runs, and ending by itself
# when the session is destroyed (test-live.sh). Label: viewer.
viewer_sandbox_test(viewer_live viewer 120 sh ${CMAKE_CURRENT_SOURCE_DIR}/test-live.sh)
