# tests/viewer/export.cmake — the --chrome and --html exports on models built
# by hand (export-unit.c), checked by the same scripts that the golden tests
# run on recorded traces: check-chrome-json.py (trace-event format rules and
# the race's flow) and check-html.py (real headless Chromium: DOM after the
# script ran, and a screenshot). Label: viewer.
find_program(VIEWER_PYTHON3 python3 REQUIRED)

add_executable(export-unit export-unit.c)
target_link_libraries(export-unit PRIVATE libmap_timeline_export libmap_timeline_core
                      libmap_test_common)

set(export_work ${CMAKE_CURRENT_BINARY_DIR}/work/export)
set(export_chrome ${VIEWER_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/check-chrome-json.py)
set(export_html ${VIEWER_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/check-html.py)

# the files: unit.* (whole model), unit-map1.* (one map: a race, no panic),
# big.* (250k ops: the page aggregates above 200k)
add_test(NAME viewer-export-unit
  COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && \"$0\" \"$1\" && \"$0\" big \"$1\" 250000"
          $<TARGET_FILE:export-unit> ${export_work})
set_tests_properties(viewer-export-unit PROPERTIES LABELS viewer FIXTURES_SETUP viewer_export_files)

add_test(NAME viewer-export-chrome
  COMMAND ${export_chrome} ${export_work}/unit.json --expect-tids 100,101,102
          --expect-race 101:assign,102:assign)
add_test(NAME viewer-export-chrome-map
  COMMAND ${export_chrome} ${export_work}/unit-map1.json --expect-tids 101,102
          --expect-race 102:assign,101:assign --no-panic)
add_test(NAME viewer-export-chrome-big
  COMMAND ${export_chrome} ${export_work}/big.json --expect-tids 200,201,202,203
          --expect-race 202:assign,203:assign)
add_test(NAME viewer-export-html
  COMMAND ${export_html} ${export_work}/unit.html --expect-tids 100,101,102
          --expect-race 101,102 --keep ${export_work}/shots)
add_test(NAME viewer-export-html-map
  COMMAND ${export_html} ${export_work}/unit-map1.html --expect-tids 101,102
          --expect-race 101,102 --no-panic --keep ${export_work}/shots)
add_test(NAME viewer-export-html-big
  COMMAND ${export_html} ${export_work}/big.html --expect-tids 200,201,202,203
          --expect-race 202,203 --aggregated --keep ${export_work}/shots)
set_tests_properties(viewer-export-chrome viewer-export-chrome-map viewer-export-chrome-big
  PROPERTIES LABELS viewer FIXTURES_REQUIRED viewer_export_files TIMEOUT 120)
set_tests_properties(viewer-export-html viewer-export-html-map viewer-export-html-big
  PROPERTIES LABELS viewer FIXTURES_REQUIRED viewer_export_files TIMEOUT 200
             SKIP_RETURN_CODE 77 RESOURCE_LOCK chromium)
