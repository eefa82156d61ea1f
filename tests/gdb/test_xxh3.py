# test_xxh3.py — run by `gdb --batch -x`: checks the pure-Python XXH3
# (gdb-scripts/libmap_gdb/xxh3.py) against the C library, libxxhash.so.0,
# through ctypes: every length 0..300 (all short paths and the first long
# blocks), longer inputs across block boundaries, seeds 0, small, 32-bit and
# full 64-bit, and the specialized 8-byte path. Exits 0 when all agree.

import ctypes
import os
import random
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.environ["LIBMAP_GDB_SCRIPT"]))
sys.dont_write_bytecode = True
from libmap_gdb import xxh3  # noqa: E402

lib = ctypes.CDLL("libxxhash.so.0")
c_hash = lib.XXH3_64bits_withSeed
c_hash.restype = ctypes.c_uint64
c_hash.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]

rnd = random.Random(20240601)
lengths = list(range(0, 301)) + [511, 512, 1023, 1024, 1025, 1088, 2047, 2048, 4096, 10000]
checked = bad = 0
for n in lengths:
    for _ in range(6):
        data = bytes(rnd.getrandbits(8) for _ in range(n))
        for seed in (0, 1, rnd.getrandbits(32), rnd.getrandbits(64), (1 << 64) - 1):
            checked += 1
            got, want = xxh3.xxh3_64(data, seed), c_hash(data, n, seed)
            if got != want:
                bad += 1
                if bad <= 10:
                    print("FAIL len %d seed %#x: python %#x, libxxhash %#x" % (n, seed, got, want))
for _ in range(20000):
    k, seed = rnd.getrandbits(64), rnd.getrandbits(64)
    checked += 1
    if xxh3.xxh3_u64(k, seed) != c_hash(k.to_bytes(8, "little"), 8, seed):
        bad += 1
        if bad <= 10:
            print("FAIL u64 %#x seed %#x" % (k, seed))
print("xxh3: %d hashes checked, %d mismatches" % (checked, bad))
gdb.execute("quit %d" % (1 if bad else 0))
