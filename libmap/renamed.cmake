# libmap/renamed.cmake — libmap_renamed_copy(NAME FROM PREFIX
# [REMOVE_SECTIONS S...]): NAME, an imported static library (global), is the
# static library target FROM with every global symbol it defines renamed
# PREFIX* (rename_symbols.cmake: nm, then objcopy --redefine-syms), and the
# sections S dropped, so that a program can link two copies of libmap side
# by side: bench-onoff and bench/trace's bench-pair (nd_*, through
# bench/renamed.cmake), and libmap-inspect's private copy (inspect/). Code
# that calls the copy names its functions with the prefix. NAME brings
# FROM's link interface.
include_guard(GLOBAL)

function(libmap_renamed_copy name from prefix)
  cmake_parse_arguments(R "" "" "REMOVE_SECTIONS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.a)
  set(script ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/rename_symbols.cmake)
  string(REPLACE ";" "\\;" remove "${R_REMOVE_SECTIONS}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DOBJCOPY=${CMAKE_OBJCOPY}
            -DIN=$<TARGET_FILE:${from}> -DOUT=${out} -DPREFIX=${prefix}
            "-DREMOVE=${remove}" -P ${script}
    DEPENDS ${from} ${script}
    COMMENT "Renaming ${from}'s symbols ${prefix}* (${name})"
    VERBATIM)
  add_custom_target(${name}_build DEPENDS ${out})
  add_library(${name} STATIC IMPORTED GLOBAL)
  get_target_property(libs ${from} INTERFACE_LINK_LIBRARIES)
  set_target_properties(${name} PROPERTIES IMPORTED_LOCATION ${out}
                        INTERFACE_LINK_LIBRARIES "${libs}")
  add_dependencies(${name} ${name}_build)
endfunction()
