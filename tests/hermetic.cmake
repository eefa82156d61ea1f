# tests/hermetic.cmake — make every test independent of the caller's
# environment. Included last by tests/CMakeLists.txt, once every test exists.
#
# A user who exported LD_LIBRARY_PATH=PREFIX/lib to run an installed libmap,
# a PATH with older tools first, a BABELTRACE_PLUGIN_PATH, a ~/.gdbinit or
# DEBUGINFOD_URLS would otherwise hand the tests another libmap, other
# tools, other scripts or a network wait. Each test's environment is reset
# here (ctest ENVIRONMENT_MODIFICATION, applied after ENVIRONMENT):
#   - dynamic loader, Python, babeltrace2, LTTng, debuginfod, compiler and
#     libmap variables: unset;
#   - PATH: the system directories plus those of cmake and the compiler;
#   - HOME: an empty directory of the build tree (no ~/.gdbinit, no
#     ~/.lttngrc, no ~/.local Python packages); XDG_* unset;
#   - LC_ALL=C.UTF-8: tools' output does not depend on the caller's locale.
# A variable that a test sets in its own ENVIRONMENT property is left as the
# test sets it. Test programs are also linked with DT_RPATH (see
# tests/CMakeLists.txt), which the loader prefers to LD_LIBRARY_PATH.

set(LIBMAP_TEST_HOME ${CMAKE_BINARY_DIR}/tests/home)
file(MAKE_DIRECTORY ${LIBMAP_TEST_HOME})

set(_hermetic_unset
  LD_LIBRARY_PATH LD_PRELOAD LD_AUDIT
  PYTHONPATH PYTHONHOME PYTHONSTARTUP PYTHONUSERBASE PYTHONSAFEPATH
  BABELTRACE_PLUGIN_PATH LIBBABELTRACE2_PLUGIN_PROVIDER_DIR LIBBABELTRACE2_INIT_LOG_LEVEL
  BABELTRACE_CLI_LOG_LEVEL BABELTRACE_PYTHON_BT2_LOG_LEVEL
  LTTNG_HOME LTTNG_UST_DEBUG LTTNG_UST_REGISTER_TIMEOUT LTTNG_UST_ALLOW_BLOCKING
  LTTNG_SESSIOND_PATH LTTNG_RELAYD_PATH LTTNG_CONSUMERD64_BIN LTTNG_CONSUMERD32_BIN
  DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH DEBUGINFOD_TIMEOUT DEBUGINFOD_PROGRESS
  GDBHISTFILE GDBHISTSIZE
  XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_RUNTIME_DIR
  CC CXX CFLAGS CXXFLAGS CPPFLAGS LDFLAGS PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
  CMAKE_PREFIX_PATH CMAKE_GENERATOR CMAKE_BUILD_TYPE CMAKE_TOOLCHAIN_FILE
  GOFLAGS GOPATH GOROOT
  LIBMAP_TRACE LIBMAP_COREDUMP_THREADS LIBMAP_COREDUMP_TIMING LIBMAP_TIMELINE_DEBUG
  COLUMNS NO_COLOR LANG LANGUAGE)

get_filename_component(_hermetic_cmake_dir ${CMAKE_COMMAND} DIRECTORY)
get_filename_component(_hermetic_cc_dir ${CMAKE_C_COMPILER} DIRECTORY)
set(_hermetic_path /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin)
list(PREPEND _hermetic_path ${_hermetic_cmake_dir} ${_hermetic_cc_dir})
list(REMOVE_DUPLICATES _hermetic_path)
string(REPLACE ";" ":" _hermetic_path "${_hermetic_path}")

# Called (deferred) at the end of each tests/ subdirectory: CMake 3.25 can
# set test properties only in the directory that made the test.
function(libmap_make_tests_hermetic)
  get_property(all_tests DIRECTORY PROPERTY TESTS)
  foreach(t ${all_tests})
    get_test_property(${t} ENVIRONMENT env)
    set(own "")
    foreach(kv ${env})
      string(REGEX MATCH "^[^=]+" name "${kv}")
      list(APPEND own ${name})
    endforeach()
    set(mods "")
    foreach(var ${_hermetic_unset})
      if(NOT var IN_LIST own)
        list(APPEND mods "${var}=unset:")
      endif()
    endforeach()
    foreach(pair "PATH=${_hermetic_path}" "HOME=${LIBMAP_TEST_HOME}" "LC_ALL=C.UTF-8"
                 "PYTHONNOUSERSITE=1")
      string(REGEX MATCH "^[^=]+" name "${pair}")
      string(REGEX REPLACE "^[^=]+=" "" value "${pair}")
      if(NOT name IN_LIST own)
        list(APPEND mods "${name}=set:${value}")
      endif()
    endforeach()
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT_MODIFICATION ${mods})
  endforeach()
endfunction()
