#!/usr/bin/env python3
"""fuzz-trace.py — libmap-timeline on damaged copies of a real trace.

    fuzz-trace.py TIMELINE SNAPSHOT_DIR WORK_DIR [MUTANTS] [SEED]

Each mutant is a copy of SNAPSHOT_DIR with one kind of damage: the first
eight flip the top bit of each 64-bit word of the first packet's header and
context (where the packet sizes are), then random ones: bits flipped in a
packet header (the first bytes of a stream file, or of a later packet),
in the event area, or in the metadata; or a stream or the metadata file cut
short. libmap-timeline --summary must end by itself with exit 0 or 1 (the
damage did not matter) or 3 (a damaged trace: one line on stderr naming the
trace), never with a signal, a hang or another status. babeltrace2 2.0
aborts on some damaged headers: libmap-timeline reads in a child process and
turns that into exit 3. Prints the counts per outcome; exit 1 on any failure.
"""
import os
import random
import shutil
import subprocess
import sys


def files(root):
    streams, metas = [], []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if n == "metadata":
                metas.append(p)
            elif not n.startswith(".") and os.path.getsize(p) > 0 and "index" not in d:
                streams.append(p)
    return streams, metas


def flip(path, lo, hi, rng, nbits):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if not data:
            return "empty"
        hi = min(hi, len(data))
        lo = min(lo, hi - 1)
        for _ in range(nbits):
            i = rng.randrange(lo, hi)
            data[i] ^= 1 << rng.randrange(8)
        f.seek(0)
        f.write(data)
    return "bits %d..%d" % (lo, hi)


def sign_bit(root, word):
    """Flip the top bit of 64-bit word `word` of the first stream file's
    first packet (header and context: the packet's sizes live there; in
    babeltrace2 2.0 a negative size fails an assertion)."""
    streams, _ = files(root)
    p = sorted(streams)[0]
    with open(p, "r+b") as f:
        f.seek(8 * word + 7)
        b = f.read(1)
        if b:
            f.seek(8 * word + 7)
            f.write(bytes([b[0] ^ 0x80]))
    return "sign-bit", p, "byte %d bit 7" % (8 * word + 7)


def mutate(root, rng):
    streams, metas = files(root)
    kind = rng.choice(["header", "later-header", "events", "metadata", "cut-stream",
                       "cut-metadata"])
    if kind in ("metadata", "cut-metadata") and not metas or not streams:
        kind = "header"
    if kind == "header":
        p = rng.choice(streams)
        return kind, p, flip(p, 0, 64, rng, 1)
    if kind == "later-header":
        p = rng.choice(streams)
        size = os.path.getsize(p)
        packet = 4096 * rng.randrange(0, max(1, size // 4096))
        return kind, p, flip(p, packet, packet + 64, rng, 1)
    if kind == "events":
        p = rng.choice(streams)
        return kind, p, flip(p, 64, os.path.getsize(p), rng, rng.randrange(1, 8))
    if kind == "metadata":
        p = rng.choice(metas)
        return kind, p, flip(p, 0, os.path.getsize(p), rng, rng.randrange(1, 4))
    p = rng.choice(streams if kind == "cut-stream" else metas)
    size = os.path.getsize(p)
    cut = rng.randrange(0, max(1, size))
    os.truncate(p, cut)
    return kind, p, "cut at %d of %d" % (cut, size)


def main():
    timeline, snap, work = sys.argv[1:4]
    mutants = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 20261207
    rng = random.Random(seed)
    counts, failures = {}, 0
    for i in range(mutants):
        dst = os.path.join(work, "mutant-%d" % i)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(snap, dst)
        # the first 8: the top bit of each word of the first packet's
        # header and context; then random damage
        kind, path, what = sign_bit(dst, i) if i < 8 else mutate(dst, rng)
        try:
            r = subprocess.run([timeline, "--summary", dst], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, errors="replace", timeout=60)
            code = r.returncode
        except subprocess.TimeoutExpired:
            code, r = "timeout", None
        ok = code in (0, 1) or (code == 3 and r.stderr.count("\n") == 1 and
                                r.stderr.startswith("libmap-timeline: "))
        crashed = r is not None and "crashed babeltrace2" in r.stderr
        key = "exit %s%s" % (code, " (babeltrace2 crashed, contained)" if crashed else "")
        counts[key] = counts.get(key, 0) + 1
        if not ok:
            failures += 1
            print("FAIL mutant %d (%s %s: %s): %s; stderr: %s"
                  % (i, kind, os.path.relpath(path, dst), what,
                     "signal %d" % -code if isinstance(code, int) and code < 0 else code,
                     (r.stderr if r else "")[-600:]))
        else:
            shutil.rmtree(dst, ignore_errors=True)
    print("%d mutants (seed %d): %s; %d failed"
          % (mutants, seed, ", ".join("%s: %d" % kv for kv in sorted(counts.items())), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
