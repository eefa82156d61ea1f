# xxh3.py — XXH3 64-bit with a seed (XXH3_64bits_withSeed of xxHash 0.8),
# in pure Python, so that `libmap verify` and $libmap_lookup can recompute
# the hashes libmap computes (key.h). Every length path is implemented: 0,
# 1-3, 4-8, 9-16, 17-128, 129-240 and the long (striped) path above 240.
# tests/gdb/test_xxh3.py checks it against the C library.
#
# Written from the xxHash specification (doc/xxhash_spec.md); the default
# secret below is the specification's 192-byte kSecret.

import struct

M64 = 0xFFFFFFFFFFFFFFFF

P32_1 = 0x9E3779B1
P32_2 = 0x85EBCA77
P32_3 = 0xC2B2AE3D
P64_1 = 0x9E3779B185EBCA87
P64_2 = 0xC2B2AE3D27D4EB4F
P64_3 = 0x165667B19E3779F9
P64_4 = 0x85EBCA77C2B2AE63
P64_5 = 0x27D4EB2F165667C5
PMX_1 = 0x165667919E3779F9
PMX_2 = 0x9FB21C651E98DF25

SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
    "eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e"
    "2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e")
SECRET_SIZE_MIN = 136
STRIPE_LEN = 64
CONSUME_RATE = 8
ACC_NB = 8

_u64 = struct.Struct("<Q").unpack_from
_u32 = struct.Struct("<I").unpack_from
_8q = struct.Struct("<8Q").unpack_from


def _s64(off):
    return _u64(SECRET, off)[0]


def _s32(off):
    return _u32(SECRET, off)[0]


# Secret words the short paths use, precomputed once.
_BF_1TO3 = _s32(0) ^ _s32(4)
_BF_4TO8 = _s64(8) ^ _s64(16)
_BF_9TO16_A = _s64(24) ^ _s64(32)
_BF_9TO16_B = _s64(40) ^ _s64(48)
_BF_EMPTY = _s64(56) ^ _s64(64)


def _fold(a, b):
    """128-bit product of two 64-bit words, folded: low ^ high."""
    p = a * b
    return (p ^ (p >> 64)) & M64


def _xxh64_avalanche(h):
    h ^= h >> 33
    h = (h * P64_2) & M64
    h ^= h >> 29
    h = (h * P64_3) & M64
    return h ^ (h >> 32)


def _avalanche(h):
    h ^= h >> 37
    h = (h * PMX_1) & M64
    return h ^ (h >> 32)


def _rrmxmx(h, length):
    h ^= (((h << 49) | (h >> 15)) ^ ((h << 24) | (h >> 40))) & M64
    h = (h * PMX_2) & M64
    h ^= (h >> 35) + length
    h = (h * PMX_2) & M64
    return h ^ (h >> 28)


def _bswap64(x):
    return int.from_bytes(x.to_bytes(8, "little"), "big")


def _len_1to3(data, n, seed):
    combined = (data[0] << 16) | (data[n >> 1] << 24) | data[n - 1] | (n << 8)
    return _xxh64_avalanche(combined ^ ((_BF_1TO3 + seed) & M64))


def _len_4to8(data, n, seed):
    s32 = seed & 0xFFFFFFFF
    seed ^= int.from_bytes(s32.to_bytes(4, "little"), "big") << 32
    lo = _u32(data, 0)[0]
    hi = _u32(data, n - 4)[0]
    keyed = (hi + (lo << 32)) ^ ((_BF_4TO8 - seed) & M64)
    return _rrmxmx(keyed, n)


def _len_9to16(data, n, seed):
    lo = _u64(data, 0)[0] ^ ((_BF_9TO16_A + seed) & M64)
    hi = _u64(data, n - 8)[0] ^ ((_BF_9TO16_B - seed) & M64)
    acc = (n + _bswap64(lo) + hi + _fold(lo, hi)) & M64
    return _avalanche(acc)


def _mix16(data, off, soff, seed):
    a = _u64(data, off)[0] ^ ((_s64(soff) + seed) & M64)
    b = _u64(data, off + 8)[0] ^ ((_s64(soff + 8) - seed) & M64)
    return _fold(a, b)


def _len_17to128(data, n, seed):
    acc = n * P64_1
    if n > 32:
        if n > 64:
            if n > 96:
                acc += _mix16(data, 48, 96, seed) + _mix16(data, n - 64, 112, seed)
            acc += _mix16(data, 32, 64, seed) + _mix16(data, n - 48, 80, seed)
        acc += _mix16(data, 16, 32, seed) + _mix16(data, n - 32, 48, seed)
    acc += _mix16(data, 0, 0, seed) + _mix16(data, n - 16, 16, seed)
    return _avalanche(acc & M64)


def _len_129to240(data, n, seed):
    acc = n * P64_1
    for i in range(8):
        acc += _mix16(data, 16 * i, 16 * i, seed)
    acc = _avalanche(acc & M64)
    for i in range(8, n // 16):
        acc += _mix16(data, 16 * i, 16 * (i - 8) + 3, seed)
    acc += _mix16(data, n - 16, SECRET_SIZE_MIN - 17, seed)
    return _avalanche(acc & M64)


def _custom_secret(seed):
    if seed == 0:
        return SECRET
    out = bytearray(len(SECRET))
    for i in range(0, len(SECRET), 16):
        struct.pack_into("<QQ", out, i, (_s64(i) + seed) & M64, (_s64(i + 8) - seed) & M64)
    return bytes(out)


def _accumulate_512(acc, data, off, secret, soff):
    d = _8q(data, off)
    k = _8q(secret, soff)
    for i in range(ACC_NB):
        dk = d[i] ^ k[i]
        acc[i ^ 1] = (acc[i ^ 1] + d[i]) & M64
        acc[i] = (acc[i] + (dk & 0xFFFFFFFF) * (dk >> 32)) & M64


def _scramble(acc, secret, soff):
    k = _8q(secret, soff)
    for i in range(ACC_NB):
        a = acc[i]
        a ^= a >> 47
        a ^= k[i]
        acc[i] = (a * P32_1) & M64


def _len_long(data, n, seed):
    secret = _custom_secret(seed)
    ssize = len(secret)
    acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1]
    stripes_per_block = (ssize - STRIPE_LEN) // CONSUME_RATE
    block_len = STRIPE_LEN * stripes_per_block
    nblocks = (n - 1) // block_len
    for b in range(nblocks):
        for s in range(stripes_per_block):
            _accumulate_512(acc, data, b * block_len + s * STRIPE_LEN, secret, s * CONSUME_RATE)
        _scramble(acc, secret, ssize - STRIPE_LEN)
    nstripes = ((n - 1) - block_len * nblocks) // STRIPE_LEN
    for s in range(nstripes):
        _accumulate_512(acc, data, nblocks * block_len + s * STRIPE_LEN, secret, s * CONSUME_RATE)
    _accumulate_512(acc, data, n - STRIPE_LEN, secret, ssize - STRIPE_LEN - 7)
    result = (n * P64_1) & M64
    for i in range(4):
        a = acc[2 * i] ^ _u64(secret, 11 + 16 * i)[0]
        b = acc[2 * i + 1] ^ _u64(secret, 11 + 16 * i + 8)[0]
        result += _fold(a, b)
    return _avalanche(result & M64)


def xxh3_64(data, seed=0):
    """XXH3_64bits_withSeed(data, len(data), seed) for bytes-like data."""
    data = bytes(data)
    seed &= M64
    n = len(data)
    if n <= 16:
        if n > 8:
            return _len_9to16(data, n, seed)
        if n >= 4:
            return _len_4to8(data, n, seed)
        if n:
            return _len_1to3(data, n, seed)
        return _xxh64_avalanche(seed ^ _BF_EMPTY)
    if n <= 128:
        return _len_17to128(data, n, seed)
    if n <= 240:
        return _len_129to240(data, n, seed)
    return _len_long(data, n, seed)


def int_hasher(size, seed):
    """A function k -> XXH3_64bits_withSeed of the size-byte (4 or 8)
    little-endian encoding of k: the 4-8 byte path with the seed-dependent
    part computed once (`libmap verify` hashes every key of large maps)."""
    seed &= M64
    s32 = seed & 0xFFFFFFFF
    seed ^= int.from_bytes(s32.to_bytes(4, "little"), "big") << 32
    bitflip = (_BF_4TO8 - seed) & M64
    if size == 8:
        def h(k):
            x = (((k & 0xFFFFFFFF) << 32) | (k >> 32)) ^ bitflip
            x ^= (((x << 49) | (x >> 15)) ^ ((x << 24) | (x >> 40))) & M64
            x = (x * PMX_2) & M64
            x ^= (x >> 35) + 8
            x = (x * PMX_2) & M64
            return x ^ (x >> 28)
    elif size == 4:
        def h(k):
            x = (k | (k << 32)) ^ bitflip
            x ^= (((x << 49) | (x >> 15)) ^ ((x << 24) | (x >> 40))) & M64
            x = (x * PMX_2) & M64
            x ^= (x >> 35) + 4
            x = (x * PMX_2) & M64
            return x ^ (x >> 28)
    else:
        raise ValueError("int_hasher: size must be 4 or 8")
    return h


def xxh3_u64(key, seed):
    """Hash of an 8-byte little-endian integer key."""
    return int_hasher(8, seed)(key)
