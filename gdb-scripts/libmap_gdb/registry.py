# registry.py — the maps libmap knows of: libmap_registry's list, linked
# through each map's reg_next field. Capped and cycle-checked.

from . import layout
from .memory import LibmapError, read


def map_addresses():
    """(addresses, problem): every map of the registry, in list order."""
    lay = layout.get()
    addr = lay.symbol_address("libmap_registry")
    if addr is None:
        raise LibmapError("libmap: no libmap_registry symbol in this program")
    raw = read(addr, lay.registry.size, "libmap_registry")
    get = lambda n: lay.registry.get(raw, n, 0, lay.endian)
    magic = get("magic")
    if magic != lay.hdr["LIBMAP_REGISTRY_MAGIC"]:
        raise LibmapError("libmap: libmap_registry at %#x has a bad magic %#x" % (addr, magic))
    count = get("count")
    cap = min(count, 1 << 20) + 16
    out, seen = [], set()
    m = get("head")
    off, size = lay.map.fields["reg_next"]
    while m:
        if m in seen:
            return out, "registry list loops back to %#x" % m
        if len(out) >= cap:
            return out, "registry list longer than its count %d" % count
        seen.add(m)
        out.append(m)
        try:
            m = int.from_bytes(read(m + off, size, "map %#x" % m), lay.endian)
        except LibmapError as e:
            return out, str(e)
    if len(out) != count:
        return out, "registry count is %d but the list has %d maps" % (count, len(out))
    return out, None
