# check_maps.py — the checks shared by the live-process and core tests of
# the gdb scripts (imported by live_test.py and core_test.py, inside gdb):
# for every fixture map (fixture_maps.c), the summary, the pretty printer's
# children, `libmap print`, `libmap verify`, `libmap buckets`, `libmap maps`
# and $libmap_lookup are compared exactly with the expected content the
# program printed; the damaged maps must be reported at the damaged slot.

import collections
import re

import gdb


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s" % (what, ("\n     " + detail.replace("\n", "\n     ")) if detail else ""))
        return ok

    def finish(self, name):
        print("%s: %d checks passed, %d failed" % (name, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def run_err(cmd):
    """(output, error message)."""
    try:
        return run(cmd), None
    except gdb.error as e:
        return None, str(e)


class MapExp:
    def __init__(self, name, addr):
        self.name = name
        self.addr = addr
        self.summary = None
        self.entries = []


def parse_expected(path):
    maps = collections.OrderedDict()
    corrupt, absent, race = [], [], None
    cur = None
    with open(path, encoding="latin-1") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "map":
                cur = maps[p[1]] = MapExp(p[1], int(p[2], 16))
            elif p[0] == "summary":
                cur.summary = p[1]
            elif p[0] == "entry":
                cur.entries.append((p[1], p[2]))
            elif p[0] == "corrupt":
                corrupt.append((p[1], p[2]))
            elif p[0] == "absent":
                absent.append((p[1], p[2]))
            elif p[0] == "race":
                race = (int(p[1]), int(p[2]))
    return maps, corrupt, absent, race


# ---- an independent rendering of the printer's children ----

def c_string(data):
    out = ['"']
    for b in data:
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        elif b == 0x0A:
            out.append("\\n")
        elif b == 0x09:
            out.append("\\t")
        else:
            out.append("\\%03o" % b)
    return "".join(out) + '"'


def child_text(v):
    if isinstance(v, bool):
        return "(set)"
    if isinstance(v, str):
        return c_string(v.encode("latin-1"))
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_BOOL:
        return "(set)"
    if t.code == gdb.TYPE_CODE_INT:
        return str(int(v) & ((1 << (8 * t.sizeof)) - 1))
    if t.code == gdb.TYPE_CODE_ARRAY:
        n = t.sizeof // t.target().sizeof
        data = bytes(int(v[i]) & 0xFF for i in range(n))
        if t.target().strip_typedefs().name == "char":
            return c_string(data[:-1])  # the printer adds a NUL (see render.key_value)
        return "{" + " ".join("%02x" % b for b in data) + "}"
    return "<%s>" % t


def printer_pairs(expr):
    vis = gdb.default_visualizer(gdb.parse_and_eval(expr))
    if vis is None:
        return None, None
    kids = [v for _, v in vis.children()]
    return vis, [(child_text(kids[i]), child_text(kids[i + 1])) for i in range(0, len(kids), 2)]


def check_maps(t, exp_path, skip=()):
    maps, corrupt, absent, race = parse_expected(exp_path)
    damaged = {name for name, _ in corrupt}
    run("set print elements unlimited")
    run("set width 0")
    run("set pagination off")
    t.check(len(maps) >= 10, "expected file lists the fixture maps", "%d maps" % len(maps))
    for name, mp in maps.items():
        if name in skip:
            continue
        addr = int(gdb.parse_and_eval(name))
        t.check(addr == mp.addr, "%s address" % name, "%#x vs %#x" % (addr, mp.addr))
        want = sorted(mp.entries)
        # the pretty printer
        vis, pairs = printer_pairs(name)
        if not t.check(vis is not None, "%s has a pretty printer" % name):
            continue
        t.check(vis.to_string() == mp.summary, "%s summary" % name,
                "gdb:      %s\nexpected: %s" % (vis.to_string(), mp.summary))
        t.check(sorted(pairs) == want, "%s printer children equal the inserted entries" % name,
                "gdb only: %s\nexpected only: %s" % (
                    sorted(set(pairs) - set(want))[:5], sorted(set(want) - set(pairs))[:5]))
        keys = [k for k, _ in pairs]
        t.check(len(keys) == len(set(keys)), "%s printer yields each key once" % name)
        out = run("print %s" % name)
        t.check(re.match(r"\$\d+ = " + re.escape(mp.summary), out) is not None,
                "%s `print` starts with the summary" % name, out[:200])
        # libmap print, default rendering
        out = run("libmap print %s - -" % name).splitlines()
        got = sorted(out[1:])
        t.check(got == sorted("[%s] = %s" % kv for kv in mp.entries),
                "%s `libmap print` equals the inserted entries" % name,
                "\n".join(got[:5]))
        # libmap verify
        out = run("libmap verify %s" % name)
        if name not in damaged:
            t.check(out.rstrip().endswith("verify: OK"), "%s verify OK" % name, out)
        # libmap buckets runs and, while growing, shows the old buckets
        out, err = run_err("libmap buckets %s" % name)
        t.check(err is None and "Traceback" not in (out or ""), "%s buckets" % name, err or "")
        if "growing" in mp.summary:
            t.check("old buckets" in out and "not evacuated" in out,
                    "%s buckets shows old buckets and evacuation state" % name)
        # $libmap_lookup on every key of integer and string maps
        if vis.to_string() and mp.entries and name not in damaged:
            check_lookups(t, name, mp)
    for name, where in corrupt:
        if name in skip:
            continue
        out = run("libmap verify %s" % name)
        t.check(("FAIL %s:" % where) in out, "%s damage reported at %s" % (name, where), out)
        t.check(not out.rstrip().endswith("verify: OK"), "%s verify fails" % name)
    for name, key in absent:
        out, err = run_err("print $libmap_lookup(%s, %s)" % (name, key))
        t.check(err is not None and ("key %s is not in map" % key) in err,
                "$libmap_lookup(%s, %s) reports an absent key" % (name, key), str(err or out))
    out = run("libmap maps")
    for name, mp in maps.items():
        t.check(("%#x" % mp.addr) in out, "libmap maps lists %s" % name)
    check_sessions(t)
    check_elements(t)
    check_bad_memory(t)
    return maps, race


def check_lookups(t, name, mp):
    kind = gdb.execute("libmap maps", to_string=True)
    m = re.search(r"%#x\s+libmap \{[^}]*\}\s+key (\w+)" % mp.addr, kind)
    kind = m.group(1) if m else "?"
    if kind not in ("u64", "u32", "string"):
        return
    bad = []
    for k, v in mp.entries:
        out, err = run_err("print $libmap_lookup(%s, %s)" % (name, k))
        want = "1" if v == "(set)" else v
        if err is not None or not re.match(r"\$\d+ = %s$" % re.escape(want), out.strip()):
            bad.append("%s -> %s" % (k, err or out.strip()))
    t.check(not bad, "%s $libmap_lookup finds all %d keys" % (name, len(mp.entries)),
            "\n".join(bad[:5]))


def check_sessions(t):
    """Struct keys and values rendered as C types of the program."""
    want = sorted("[%s] = %s" % (gdb.parse_and_eval("fx_key_src[%d]" % i).format_string(),
                                 gdb.parse_and_eval("fx_session_src[%d]" % i).format_string())
                  for i in range(20))
    for cmd in ("libmap print fx_sessions 'struct fx_key' 'struct fx_session'",
                "libmap print fx_sessions struct fx_key struct fx_session"):
        got = sorted(run(cmd).splitlines()[1:])
        t.check(got == want, cmd, "\n".join(got[:3]) + "\nexpected:\n" + "\n".join(want[:3]))
    size = int(gdb.parse_and_eval("sizeof(struct fx_session)"))
    inf = gdb.selected_inferior()
    bad = 0
    for i in range(20):
        v = gdb.parse_and_eval("$libmap_lookup(fx_sessions, fx_key_src[%d])" % i)
        got = bytes(int(v[j]) & 0xFF for j in range(size))
        src = inf.read_memory(int(gdb.parse_and_eval("&fx_session_src[%d]" % i)), size).tobytes()
        bad += got != src
    t.check(bad == 0, "$libmap_lookup on struct keys returns the stored struct bytes")
    out, err = run_err("print $libmap_lookup(fx_custom, 3UL << 40)")
    t.check(err is None and out.strip().endswith("= 8"), "$libmap_lookup on a user-hash map",
            str(err or out))


def check_elements(t):
    run("set print elements 4")
    out = run("print fx_doubling")
    run("set print elements unlimited")
    t.check(out.count("] = ") == 2 and out.rstrip().endswith("...}"),
            "`set print elements 4` limits the printer's children", out)


def check_bad_memory(t):
    out, err = run_err("libmap verify (libmap *)16")
    t.check(err is not None and err.startswith("libmap: cannot read map header")
            and "\n" not in err.strip() and "Traceback" not in err,
            "unreadable map: one-line error", str(err or out))
    out = run("print (libmap *)16")
    t.check("libmap 0x10 <cannot read" in out, "printer on an unreadable map", out)
