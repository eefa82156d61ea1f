# rename_symbols.cmake — run with cmake -P (by bench/renamed.cmake): copies
# the static library IN to OUT with every global symbol it defines prefixed
# with nd_, so that a program can link two variants of libmap side by side.
# Needs NM, OBJCOPY, IN, OUT.
execute_process(COMMAND ${NM} -g --defined-only --format=posix ${IN}
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${IN}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(names "")
foreach(line IN LISTS lines)
  # "NAME TYPE VALUE SIZE"; archive member headers end with ':'
  if(line MATCHES "^([A-Za-z_][A-Za-z0-9_.]*) [A-Za-z] ")
    list(APPEND names ${CMAKE_MATCH_1})
  endif()
endforeach()
# a weak or hidden symbol may be defined by several members: rename it once
list(REMOVE_DUPLICATES names)
set(map "")
foreach(name IN LISTS names)
  string(APPEND map "${name} nd_${name}\n")
endforeach()
if(map STREQUAL "")
  message(FATAL_ERROR "no global symbols found in ${IN}")
endif()
file(WRITE ${OUT}.syms "${map}")
execute_process(COMMAND ${OBJCOPY} --redefine-syms=${OUT}.syms ${IN} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objcopy failed on ${IN}")
endif()
