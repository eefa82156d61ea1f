# bench/renamed.cmake — bench_renamed_copy(NAME FROM): NAME, an imported
# static library, is the static library target FROM with every global symbol
# renamed nd_* (rename_symbols.cmake), so that a program can link both
# variants of libmap side by side (bench-onoff, bench/trace's bench-pair).
# NAME brings FROM's link interface.
include_guard(GLOBAL)

function(bench_renamed_copy name from)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.a)
  set(script ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/rename_symbols.cmake)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DOBJCOPY=${CMAKE_OBJCOPY}
            -DIN=$<TARGET_FILE:${from}> -DOUT=${out} -P ${script}
    DEPENDS ${from} ${script}
    COMMENT "Renaming ${from}'s symbols nd_* (${name})"
    VERBATIM)
  add_custom_target(${name}_build DEPENDS ${out})
  add_library(${name} STATIC IMPORTED)
  get_target_property(libs ${from} INTERFACE_LINK_LIBRARIES)
  set_target_properties(${name} PROPERTIES IMPORTED_LOCATION ${out}
                        INTERFACE_LINK_LIBRARIES "${libs}")
  add_dependencies(${name} ${name}_build)
endfunction()
