#!/usr/bin/env bash
# lock_holders_test.sh — a process killed while threads hold safe-map locks
# (tests/safe/lock_holders.c: a libmap_shard shard's write lock, shard 0's
# read lock, a libmap_sync's write lock). libmap-coredump (--json and the
# text report) and gdb's `libmap maps` must name the write holders' TIDs
# and the shard, count the reader, list every shard under its parent and
# call the other locks free. The TIDs and addresses the program printed
# are the oracle. Runs with 4 and 8 shards. With STRIPPED (a static program
# without symbols: its stacks cannot say "inside libmap"), the holders'
# thread lines need not say it either; everything else is the same.
# Usage: lock_holders_test.sh ANALYZER LOCK_HOLDERS GDB GDB_SCRIPT [stripped]
set -u
ANALYZER=$(realpath "$1") PROG=$(realpath "$2") GDB=$3 GDB_SCRIPT=$4 STRIPPED=${5:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-cd-locks.XXXXXX")
[[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
export LTTNG_UST_REGISTER_TIMEOUT=0
ulimit -c unlimited
failures=0
for bits in 2 3; do
    dir=$TMP/bits$bits
    mkdir -p "$dir"
    { (cd "$dir" && exec timeout -s KILL 60 "$PROG" "$bits" >out.txt 2>err.txt); } 2>/dev/null
    [[ -f "$dir/core" ]] || { echo "SKIP: no core file (core_pattern: $(cat /proc/sys/kernel/core_pattern))"; exit 77; }
    oracle=$(cat "$dir/out.txt")
    echo "shard bits $bits: $oracle"
    "$ANALYZER" --json "$PROG" "$dir/core" >"$dir/r.json" 2>"$dir/r.err"
    "$ANALYZER" --all-maps "$PROG" "$dir/core" >"$dir/r.txt" 2>/dev/null
    "$GDB" --batch -nx -iex "source $GDB_SCRIPT" -ex "libmap maps" "$PROG" "$dir/core" \
        >"$dir/gdb.txt" 2>&1
    if ! python3 - "$dir" "$oracle" "$STRIPPED" <<'PY'
import json, re, sys
d, oracle = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split())
shard, sync = int(oracle["shard"], 16), int(oracle["sync"], 16)
n, w_shard = int(oracle["shards"]), int(oracle["writer_shard"])
w_tid, r_tid, s_tid = (int(oracle[k]) for k in ("writer_tid", "reader_tid", "sync_writer_tid"))
doc = json.load(open(d + "/r.json"))
text, gdbout = open(d + "/r.txt").read(), open(d + "/gdb.txt").read()
problems = []
maps = doc["registry"]["maps"]
shards = sorted((m["guard"]["shard"], m) for m in maps
                if m.get("guard") and m["guard"]["kind"] == "shard"
                and int(m["guard"]["parent"], 16) == shard)
if [s for s, _ in shards] != list(range(n)):
    problems.append("shards of 0x%x in the JSON: %s, expected 0..%d" % (shard, [s for s, _ in shards], n - 1))
for s, m in shards:
    g = m["guard"]
    want = (w_tid, True, 0) if s == w_shard else (0, False, 1 if s == 0 else 0)
    got = (g["write_owner_tid"], g["write_locked"], g["readers"])
    if got != want or g["shards"] != n:
        problems.append("shard %d: (owner, write_locked, readers) %s, expected %s" % (s, got, want))
syncs = [m["guard"] for m in maps if m.get("guard") and m["guard"]["kind"] == "sync"]
if len(syncs) != 1 or int(syncs[0]["parent"], 16) != sync or syncs[0]["write_owner_tid"] != s_tid:
    problems.append("libmap_sync guard: %s, expected parent 0x%x owner %d" % (syncs, sync, s_tid))
plain = [m for m in maps if m.get("guard") is not None and m["guard"]["kind"] not in ("shard", "sync")]
if plain:
    problems.append("guards of an unknown kind: %s" % plain)
# text: the holders' thread lines, the locks section, --all-maps under the parent
inside = "(inside libmap; )?" if sys.argv[3] == "stripped" else "inside libmap; "
for tid, what in ((w_tid, "libmap_shard 0x%x shard %d of %d" % (shard, w_shard, n)),
                  (s_tid, "libmap_sync 0x%x" % sync)):
    if not re.search(r"^thread %d — %sholds the write lock of %s\b" % (tid, inside, re.escape(what)),
                     text, re.M):
        problems.append("text report: thread %d is not shown holding the write lock of %s" % (tid, what))
wants = ["libmap_shard 0x%x shard %d of %d (map " % (shard, w_shard, n),
         "): write lock held by thread %d" % w_tid,
         "libmap_shard 0x%x: %d shards" % (shard, n),
         "    shard %d: write lock held by thread %d" % (w_shard, w_tid),
         "    shard 0: 1 reader",
         "libmap_sync 0x%x:\n    lock: write lock held by thread %d" % (sync, s_tid)]
problems += ["text report lacks %r" % w for w in wants if w not in text]
if len(re.findall(r"^    shard \d+: free$", text, re.M)) != n - 2:
    problems.append("text: %d free shards, expected %d" % (len(re.findall(r"^    shard \d+: free$", text, re.M)), n - 2))
# gdb
gwants = ["(libmap_shard *) 0x%x  %d shards" % (shard, n),
          "    shard %d: write lock held by thread %d" % (w_shard, w_tid),
          "    shard 0: 1 reader",
          "(libmap_sync *) 0x%x\n    lock: write lock held by thread %d" % (sync, s_tid)]
problems += ["gdb's libmap maps lacks %r" % w for w in gwants if w not in gdbout]
if len(re.findall(r"^    shard \d+: free$", gdbout, re.M)) != n - 2:
    problems.append("gdb: free shards differ from %d" % (n - 2))
for p in problems:
    print("  " + p)
print("  %d shards, holder %d on shard %d, reader on shard 0, sync holder %d: %s"
      % (n, w_tid, w_shard, s_tid, "named by the analyzer and gdb" if not problems else "FAILED"))
sys.exit(1 if problems else 0)
PY
    then
        failures=$((failures + 1))
        echo "FAIL: shard bits $bits (files in $dir)"
        trap - EXIT
    fi
done
[[ $failures == 0 ]] || exit 1
echo "PASS: the analyzer and gdb name every safe-map lock holder"
