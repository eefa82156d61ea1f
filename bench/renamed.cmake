# bench/renamed.cmake — bench_renamed_copy(NAME FROM): NAME, an imported
# static library, is the static library target FROM with every global symbol
# renamed nd_* (libmap_renamed_copy, libmap/renamed.cmake), so that a
# program can link both variants of libmap side by side (bench-onoff,
# bench/trace's bench-pair). NAME brings FROM's link interface.
include_guard(GLOBAL)

function(bench_renamed_copy name from)
  libmap_renamed_copy(${name} ${from} nd_)
endfunction()
