#!/usr/bin/env bash
# buckets_growth_test.sh — gdb's `libmap buckets MAP N` on a map caught
# mid-doubling (crash fixture MODE: `doubling`, u64 keys, or
# `strings-doubling`), for a new bucket N whose old bucket is not evacuated
# yet: the output must say which old bucket holds N's entries, list that
# old bucket (never an empty, inverted range such as "old buckets 100..63
# of 64"), and every key it shows must be one the fixture inserted (its
# oracle). With string keys, an evacuated slot's key is never read (its
# bytes went with the entry: reading them showed freed memory). Issue 10,
# item 9.
# Usage: buckets_growth_test.sh FIXTURE GDB_SCRIPT [MODE]
set -u
FIXTURE=$(realpath "$1") SCRIPT=$(realpath "$2") MODE=${3:-doubling}
GDB=${GDB:-gdb}
. "$(dirname "${BASH_SOURCE[0]}")/../common/crash-fixture.sh"
crash_fixture_core gdb-buckets "$FIXTURE" "$MODE"
read -r map nold nev < <(python3 -c '
import json
o = json.load(open("oracle.json"))
print(o["map"], o["growth"]["old_nbuckets"], o["growth"]["nevacuate"])')
# The race itself may evacuate a bucket or two after the oracle was
# printed: take an old bucket that the core shows not evacuated and not
# empty, from a first look at every old bucket.
"$GDB" --batch -nx -iex "source $SCRIPT" -ex "libmap buckets $map $nold $((2 * nold - 1))" \
    "$FIXTURE" core >all.txt 2>&1
old=$(python3 -c '
import re, sys
text = open("all.txt").read()
for m in re.finditer(r"old bucket (\d+) @0x[0-9a-f]+: not evacuated\n  tophash: ([^\n]*)", text):
    if any(len(t) == 2 and t not in ("rest", "one") for t in m.group(2).split()):
        print(m.group(1)); break')
[[ -n "$old" ]] || { echo "FAIL: no unevacuated, non-empty old bucket in the core"; tail -40 all.txt; exit 1; }
new=$((nold + old))
"$GDB" --batch -nx -iex "source $SCRIPT" -ex "libmap buckets $map $new" "$FIXTURE" core \
    >gdb.txt 2>gdb.err
python3 - "$new" "$old" "$nold" <<'PY'
import json, re, sys
new, old, nold = map(int, sys.argv[1:])
text = open("gdb.txt").read()
oracle = json.load(open("oracle.json"))
strings = oracle["key_kind"] == "string"
keys = {str(e["key"]) for e in oracle["entries"]}
problems = []
if not re.search(r"new bucket %d @0x[0-9a-f]+: its entries are still in old bucket %d "
                 r"\(not evacuated\)" % (new, old), text):
    problems.append("new bucket %d does not point at old bucket %d" % (new, old))
if not re.search(r"old buckets %d of %d at" % (old, nold), text):
    problems.append("the old-bucket range is not old bucket %d" % old)
m = re.search(r"old bucket %d @0x[0-9a-f]+: not evacuated\n(.*)" % old, text, re.S)
shown = re.findall(r"slot \d+ top 0x[0-9a-f]+: (\"[^\"]*\"|\d+) = ", m.group(1)) if m else []
shown = [k.strip('"') for k in shown]
if not shown:
    problems.append("old bucket %d shows no live key" % old)
stray = [k for k in shown if k not in keys]
if stray:
    problems.append("keys the fixture never inserted: %s" % stray[:5])
if strings:
    all_text = open("all.txt").read()
    moved = len(re.findall(r"slot \d+ [XY]: moved\n", all_text))
    if re.search(r"[XY]: moved, was", all_text):
        problems.append("an evacuated string slot's key was read")
    if moved == 0:
        problems.append("no evacuated slot shown")
    else:
        print("%d evacuated string slots shown without reading their keys" % moved)
print("new bucket %d -> old bucket %d: %d live keys shown, all in the oracle" % (new, old, len(shown))
      if not problems else "")
for p in problems:
    print("FAIL: " + p)
if problems:
    print(text[-3000:])
sys.exit(1 if problems else 0)
PY
