# tests/viewer/locks.cmake — contention in the timeline: lock-contend (8
# threads on a libmap_shard and a libmap_sync) recorded for real with
# LIBMAP_LOCK_WAIT_NS=0, and every output's lock waits checked against
# babeltrace2's printing of the trace (test-lock-waits.sh). Label: viewer.
add_executable(lock-contend lock-contend.c)
target_link_libraries(lock-contend PRIVATE libmap::libmap libmap_test_common Threads::Threads)
target_compile_definitions(lock-contend PRIVATE _GNU_SOURCE)

set(viewer_locks_env LOCK_CONTEND=$<TARGET_FILE:lock-contend>)
list(APPEND viewer_extra_env ${viewer_locks_env})
viewer_sandbox_test(viewer_lock_waits viewer 120
  sh ${CMAKE_CURRENT_SOURCE_DIR}/test-lock-waits.sh)
list(REMOVE_ITEM viewer_extra_env ${viewer_locks_env})
