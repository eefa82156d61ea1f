# rename_symbols.cmake — run with cmake -P (by libmap/renamed.cmake): copies
# the static library IN to OUT with every global symbol it defines prefixed
# with PREFIX, and the sections named in REMOVE (a ;-list, may be empty)
# dropped, so that a program can link two copies of libmap side by side.
# Needs NM, OBJCOPY, IN, OUT, PREFIX.
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
  string(APPEND map "${name} ${PREFIX}${name}\n")
endforeach()
if(map STREQUAL "")
  message(FATAL_ERROR "no global symbols found in ${IN}")
endif()
file(WRITE ${OUT}.syms "${map}")
set(remove "")
foreach(section IN LISTS REMOVE)
  list(APPEND remove --remove-section=${section} --remove-section=.rela${section})
endforeach()
execute_process(COMMAND ${OBJCOPY} --redefine-syms=${OUT}.syms ${remove} ${IN} ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objcopy failed on ${IN}")
endif()
