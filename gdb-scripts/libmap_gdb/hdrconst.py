# hdrconst.py — the few constants of libmap's debug contract that are C
# macros (magic numbers and versions of the panic record, the registry and
# the layout descriptor), read from libmap/debug.h itself so that they cannot
# drift. Macros are not in DWARF; everything else (offsets, tophash markers,
# flags, writer-word bits, enums) comes from the program (see layout.py).
#
# The header is looked up next to this package (the installed copy, put
# there by gdb-scripts/CMakeLists.txt) and then in the source tree.

import os
import re

_HERE = os.path.dirname(os.path.abspath(__file__))
CANDIDATES = (
    os.path.join(_HERE, "debug.h"),
    os.path.join(_HERE, "..", "..", "libmap", "include", "libmap", "debug.h"),
)

_DEFINE = re.compile(r"^\s*#\s*define\s+(LIBMAP_[A-Z0-9_]+)\s+(?:UINT64_C\()?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\)?")

WANTED = ("LIBMAP_PANIC_MAGIC", "LIBMAP_PANIC_RECORD_VERSION", "LIBMAP_REGISTRY_MAGIC",
          "LIBMAP_LAYOUT_MAGIC", "LIBMAP_LAYOUT_VERSION", "LIBMAP_NOTE_NAME",
          "LIBMAP_NOTE_TYPE", "LIBMAP_NOTE_VERSION")
_NOTE_NAME = re.compile(r'^\s*#\s*define\s+LIBMAP_NOTE_NAME\s+"([^"]*)"')

_cache = None


def parse(path):
    """Every integer #define LIBMAP_* of the header at path."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _DEFINE.match(line)
            if m:
                out[m.group(1)] = int(m.group(2), 0)
            m = _NOTE_NAME.match(line)
            if m:
                out["LIBMAP_NOTE_NAME"] = m.group(1)
    return out


def constants():
    """The contract macros, as a dict; raises RuntimeError when debug.h is missing."""
    global _cache
    if _cache is None:
        for path in CANDIDATES:
            if os.path.exists(path):
                values = parse(path)
                missing = [w for w in WANTED if w not in values]
                if missing:
                    raise RuntimeError("libmap: %s lacks %s" % (path, ", ".join(missing)))
                _cache = values
                break
        else:
            raise RuntimeError("libmap: debug.h not found next to the gdb scripts (%s)"
                               % ", ".join(CANDIDATES))
    return _cache


_STRUCT = re.compile(r"struct\s+libmap_layout\s*\{(.*?)\n\};", re.S)
_DECL = re.compile(r"u?int(8|16|32|64)_t\s+(.*)", re.S)


def layout_struct():
    """[(field, size in bytes)] of struct libmap_layout in declaration order,
    parsed from debug.h: used to decode the descriptor when the program has
    no DWARF for it (a release build). Alignment is the C ABI's natural
    alignment of each field."""
    for path in CANDIDATES:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                m = _STRUCT.search(f.read())
            if not m:
                break
            body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
            body = re.sub(r"//[^\n]*", "", body)
            fields = []
            for decl in body.split(";"):
                decl = decl.strip()
                if not decl:
                    continue
                d = _DECL.match(decl)
                if not d:
                    raise RuntimeError("libmap: cannot parse layout field %r in %s" % (decl, path))
                for name in d.group(2).split(","):
                    fields.append((name.strip(), int(d.group(1)) // 8))
            return fields
    raise RuntimeError("libmap: struct libmap_layout not found in debug.h")


def enum_values(tag):
    """{value: NAME} of `enum tag` in debug.h (for programs without DWARF)."""
    for path in CANDIDATES:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                m = re.search(r"enum\s+%s\s*\{(.*?)\};" % re.escape(tag), f.read(), re.S)
            if not m:
                return {}
            body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
            out = {}
            for item in body.split(","):
                e = re.match(r"\s*([A-Z0-9_]+)\s*=\s*(0[xX][0-9a-fA-F]+|\d+)", item)
                if e:
                    out[int(e.group(2), 0)] = e.group(1)
            return out
    return {}
