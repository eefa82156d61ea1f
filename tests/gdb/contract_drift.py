# contract_drift.py — the gdb scripts' generated libmap_gdb/contract.py
# against libmap/debug.h as compiled (contract_values.c's output): every
# macro, operation, panic kind, growth constant and descriptor field, with
# nothing missing or extra on either side. Fails when contract.py is stale,
# edited by hand or written wrong.
# Usage: contract_drift.py CONTRACT_VALUES_PROGRAM PATH/TO/contract.py

import importlib.util
import subprocess
import sys


def c_values(program):
    want = {"MACROS": {}, "OPS": {}, "PANIC_KINDS": {}, "PANIC_MESSAGES": {}, "GROWTH": {},
            "LAYOUT_FIELDS": [], "LAYOUT_SIZE": None}
    out = subprocess.run([program], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "macro":
            want["MACROS"][f[1]] = int(f[2])
        elif f[0] == "string":
            want["MACROS"][f[1]] = f[2]
        elif f[0] == "op":
            want["OPS"][int(f[1])] = f[2]
        elif f[0] == "panic":
            want["PANIC_KINDS"][int(f[1])] = f[2]
            want["PANIC_MESSAGES"][int(f[1])] = f[3]
        elif f[0] == "growth":
            want["GROWTH"][f[1]] = int(f[2])
        elif f[0] == "field":
            want["LAYOUT_FIELDS"].append((f[1], int(f[2]), int(f[3])))
        elif f[0] == "size":
            want["LAYOUT_SIZE"] = int(f[1])
        else:
            sys.exit("FAIL: unexpected line from %s: %r" % (program, line))
    return want


def main():
    want = c_values(sys.argv[1])
    spec = importlib.util.spec_from_file_location("contract", sys.argv[2])
    py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(py)
    bad = []
    for name, value in want.items():
        got = getattr(py, name, None)
        if isinstance(value, dict):
            got = got if isinstance(got, dict) else {}
            for k in sorted(set(value) | set(got), key=str):
                if got.get(k) != value.get(k):
                    bad.append("%s[%r]: contract.py has %r, debug.h %r"
                               % (name, k, got.get(k), value.get(k)))
        elif isinstance(value, list):
            got = list(got or ())
            for i in range(max(len(got), len(value))):
                g = got[i] if i < len(got) else None
                w = value[i] if i < len(value) else None
                if g != w:
                    bad.append("%s[%d]: contract.py has %r, debug.h %r" % (name, i, g, w))
        elif got != value:
            bad.append("%s: contract.py has %r, debug.h %r" % (name, got, value))
    # each macro is also a module attribute, as the scripts use them
    for name, value in want["MACROS"].items():
        if getattr(py, name, None) != value:
            bad.append("contract.%s is %r, debug.h %r" % (name, getattr(py, name, None), value))
    for b in bad:
        print("FAIL:", b)
    if bad:
        return 1
    print("ok: contract.py matches debug.h (%d macros, %d operations, %d panic kinds, "
          "%d growth constants, %d descriptor fields)"
          % (len(want["MACROS"]), len(want["OPS"]), len(want["PANIC_KINDS"]),
             len(want["GROWTH"]), len(want["LAYOUT_FIELDS"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
