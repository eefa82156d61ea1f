#!/usr/bin/env python3
"""compare_stacks.py — the differential stack test on one core.

    compare_stacks.py [--static] ANALYZER EU_STACK GDB EXE CORE

--static: a static program whose libc has no debug info; where libdw (so
eu-stack) gives a libc frame another unit's last line, the analyzer must
drop it as gdb does.

Reads every thread's frames from the core three ways: `libmap-coredump
--json --threads`, `eu-stack -i -s` and `gdb --batch` (gdb_frames.py
beside this file), and compares them thread by thread, frame by frame, from
the innermost frame to the thread's entry (the frame that start_thread or
__libc_start_call_main called; frames below it are glibc's and named
differently by each tool). For each frame:
  - function: the same base name (qualifiers, template arguments, return
    type and parameter list aside: eu-stack names inlined C++ frames by
    their DW_AT_name, gdb qualifies them, the analyzer demangles linkage
    names) in all three; a tool that has no name for a frame is skipped;
    outside the program and libmap, gdb may name another alias of the same
    address (listed, not failed);
  - file and line: the same as eu-stack's, and as gdb's wherever gdb and
    eu-stack agree (gdb looks a caller's line up at pc - 1, which can fall
    in an inlined callee's line entry; such frames are listed, not failed);
  - signal frame (the signal trampoline): the same as gdb's; a C++ name
    is demangled (the mangled one in its own field);
  - inlined: the same as gdb's (eu-stack's text does not tell an inlined
    frame from a recursive call at the same address).
gdb's tail-call frames (made up from DW_TAG_call_site data) are left out.
Exit 0 when all agree; else 1 with every difference printed. Prints the
number of threads and frames compared.
"""
import json
import os
import re
import subprocess
import sys

ENTRY_CALLERS = {"start_thread", "__libc_start_call_main"}


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=120)
    if p.returncode not in ok:
        sys.exit("compare_stacks: %s exited %d:\n%s" % (cmd[0], p.returncode, p.stderr[-2000:]))
    return p.stdout


def strip_balanced(s, open_c, close_c):
    """Remove every balanced open_c...close_c group at the top level."""
    out, depth = [], 0
    for ch in s:
        if ch == open_c:
            depth += 1
            continue
        if ch == close_c and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return "".join(out)


def base_name(name):
    """The unqualified function name, for comparing tools' spellings."""
    if not name or name == "??":
        return None
    n = name.strip()
    # lambdas: gdb's <lambda()> and the demangler's {lambda()#1}
    n = re.sub(r"\{lambda\([^)]*\)#\d+\}", "lambda", n)
    n = re.sub(r"<lambda\([^)]*\)>", "lambda", n)
    n = n.replace("operator()", "operator@call")
    n = re.sub(r"\s+const$", "", n)
    n = strip_balanced(n, "(", ")")
    n = strip_balanced(n, "<", ">")
    n = n.split("::")[-1].split(" ")[-1]
    # compiler clones: foo.part.0, foo.constprop.0, foo.isra.0, foo.cold
    n = re.sub(r"(\.(part|constprop|isra|cold|lto_priv|\d+))+$", "", n)
    return n.replace("operator@call", "operator()")


def cut_at_entry(frames):
    """Frames down to the thread's entry; None if the entry was not reached."""
    for i, f in enumerate(frames):
        if f["function"] in ENTRY_CALLERS:
            return frames[:i]
    return None


def analyzer_threads(analyzer, exe, core):
    doc = json.loads(run([analyzer, "--json", "--threads", exe, core], ok=(0, 1, 3)))
    out, errors = {}, {}
    for t in doc.get("threads", []):
        errors[t["tid"]] = t.get("error")
        out[t["tid"]] = [{"function": f.get("function"), "file": f.get("file"),
                          "line": f.get("line") or 0, "inlined": bool(f.get("inlined")),
                          "module": f.get("module"), "mangled": f.get("mangled"),
                          "signal_frame": bool(f.get("signal_frame"))}
                         for f in t.get("frames", [])]
    return out, errors


def eu_stack_threads(eu_stack, exe, core):
    out, frames = {}, None
    text = run([eu_stack, "-i", "-s", "-e", exe, "--core", core], ok=(0, 1))
    for line in text.splitlines():
        m = re.match(r"TID (\d+):", line)
        if m:
            frames = out.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"#\d+\s+0x[0-9a-f]+\s*(- )?(.*)$", line)
        if m and frames is not None:
            fn = m.group(2).strip() or None
            frames.append({"function": fn, "file": None, "line": 0, "inlined": False})
            continue
        m = re.match(r"\s+(\S.*?):(\d+)(:\d+)?$", line)
        if m and frames:
            frames[-1]["file"], frames[-1]["line"] = m.group(1), int(m.group(2))
    return out


def gdb_threads(gdb, exe, core):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_frames.py")
    text = run([gdb, "--batch", "-nx", "-x", script, exe, core])
    for line in text.splitlines():
        if line.startswith("FRAMES-JSON:"):
            out = {}
            for t in json.loads(line[len("FRAMES-JSON:"):]):
                out[t["tid"]] = [f for f in t["frames"] if not f.get("tailcall")]
            return out
    sys.exit("compare_stacks: gdb printed no frames:\n" + text[-2000:])


def same_file(a, b):
    return a == b or (a and b and os.path.basename(a) == os.path.basename(b))


def main():
    args = sys.argv[1:]
    static = args[:1] == ["--static"]
    if static:
        args = args[1:]
    if len(args) != 5:
        sys.exit("usage: compare_stacks.py [--static] ANALYZER EU_STACK GDB EXE CORE")
    analyzer, eu_stack, gdb, exe, core = args
    ours, unwind_errors = analyzer_threads(analyzer, exe, core)
    gd = gdb_threads(gdb, exe, core)
    eu = eu_stack_threads(eu_stack, exe, core)
    problems, gdb_only = [], []
    nframes = 0
    if sorted(ours) != sorted(eu) or sorted(ours) != sorted(gd):
        problems.append("thread lists differ: analyzer %s, eu-stack %s, gdb %s"
                        % (sorted(ours), sorted(eu), sorted(gd)))
    for tid in sorted(set(ours) & set(eu) & set(gd)):
        a, e, g = cut_at_entry(ours[tid]), cut_at_entry(eu[tid]), cut_at_entry(gd[tid])
        if a is None and e is None and g is None:
            # no tool unwinds it (a thread being created or exiting): the
            # innermost frame must still agree
            a, e, g = ours[tid][:1], eu[tid][:1], gd[tid][:1]
            print("thread %d: no tool reaches its entry; innermost frame compared" % tid)
        elif a is None and e is None and g is not None:
            # libdwfl stops where gdb's heuristics go on (no CFI at some
            # pc): the analyzer must say so, and agree with eu-stack and
            # with gdb's frames as far as it got
            if not unwind_errors.get(tid):
                problems.append("thread %d: unwinding stopped early and the analyzer does not "
                                "say so" % tid)
            a, e = ours[tid], eu[tid]
            g = gd[tid][:len(a)]
            print("thread %d: libdwfl stops after %d frames, gdb goes on; the %d are compared"
                  % (tid, len(a), len(a)))
        if a is None or e is None or g is None:
            problems.append("thread %d: entry frame not reached (analyzer %s, eu-stack %s, gdb %s)"
                            % (tid, a is not None, e is not None, g is not None))
            continue
        if not (len(a) == len(e) == len(g)):
            problems.append("thread %d: %d frames in the analyzer, %d in eu-stack, %d in gdb\n"
                            "  analyzer: %s\n  eu-stack: %s\n  gdb:      %s"
                            % (tid, len(a), len(e), len(g), [f["function"] for f in a],
                               [f["function"] for f in e], [f["function"] for f in g]))
            continue
        for i, (fa, fe, fg) in enumerate(zip(a, e, g)):
            nframes += 1
            where = "thread %d frame #%d" % (tid, i)
            na, ne, ng = base_name(fa["function"]), base_name(fe["function"]), base_name(fg["function"])
            if na is None and (ne is not None or ng is not None):
                problems.append("%s: the analyzer has no name (eu-stack: %s, gdb: %s)"
                                % (where, fe["function"], fg["function"]))
            if ne is not None and na is not None and ne != na and \
                    fa["file"] is None and fe["file"] is None:
                # no debug info: each tool names one of the symbols at that
                # address (glibc's ___pthread_barrier_wait and
                # pthread_barrier_wait, __libc_pause and pause)
                gdb_only.append("%s: function %r, reference %r (aliases)"
                                % (where, fa["function"], fe["function"]))
            elif ne is not None and na is not None and ne != na:
                problems.append("%s: function %r, eu-stack says %r" % (where, fa["function"], ne))
            elif ng is not None and na is not None and ng != na:
                # two names of one address (glibc's __memcpy_* and
                # __memmove_* aliases): gdb may pick the other one. Only
                # outside the program and libmap, and only when eu-stack
                # agrees with the analyzer.
                in_system = (fa["module"] not in (os.path.basename(exe),) and
                             not (fa["module"] or "").startswith("libmap")) or \
                    (fa["file"] is None and fg["file"] is None)  # symbols only: aliases
                (gdb_only if in_system else problems).append(
                    "%s: function %r, gdb says %r" % (where, fa["function"], ng))
            if static and fa["file"] is None and fe["file"] is not None:
                # a static program whose libc has no debug info: libdw (and
                # so eu-stack) gives libc's functions the last line of
                # another unit; the analyzer drops it, and so must gdb
                if fg["file"] is not None:
                    problems.append("%s (%s): no file:line, gdb %s:%d"
                                    % (where, na, fg["file"], fg["line"]))
                else:
                    gdb_only.append("%s (%s): eu-stack's stray %s:%d dropped, as gdb does"
                                    % (where, na, fe["file"], fe["line"]))
            elif not same_file(fa["file"], fe["file"]) or fa["line"] != fe["line"]:
                problems.append("%s (%s): at %s:%d, eu-stack %s:%d"
                                % (where, na, fa["file"], fa["line"], fe["file"], fe["line"]))
            elif fg["file"] and (not same_file(fg["file"], fe["file"]) or fg["line"] != fe["line"]):
                # gdb and eu-stack disagree: gdb looks the caller's line up
                # at pc - 1, which can fall in an inlined callee's line
                # entry without gdb showing that callee as a frame
                gdb_only.append("%s (%s): gdb %s:%d, eu-stack and analyzer %s:%d"
                                % (where, na, fg["file"], fg["line"], fe["file"], fe["line"]))
            if fa["signal_frame"] != fg["signal_frame"]:
                problems.append("%s (%s): signal frame %s, gdb %s" % (where, na, fa["signal_frame"],
                                                                      fg["signal_frame"]))
            if (fa["function"] or "").startswith("_Z") or (fa["mangled"] and
                                                           fa["mangled"] == fa["function"]):
                problems.append("%s: %r is not demangled" % (where, fa["function"]))
            if fa["inlined"] != fg["inlined"]:
                problems.append("%s (%s): inlined %s, gdb %s" % (where, na, fa["inlined"],
                                                                 fg["inlined"]))
    print("%s: %d threads, %d frames compared with eu-stack -i and gdb"
          % (os.path.basename(exe), len(ours), nframes))
    for p in gdb_only:
        print("gdb alone differs (not counted): " + p)
    for p in problems:
        print("DIFF " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
