# registry.py — the maps libmap knows of: libmap_registry's list, linked
# through each map's reg_next field, walked (capped and cycle-checked) by
# libmap-inspect (inspect/src/panicrec.c, through inspect_lib).

from . import inspect_lib, layout
from .memory import LibmapError


def map_addresses():
    """(addresses, problem): every map of the registry, in list order."""
    lay = layout.get()
    if lay.registry_addr is None:
        raise LibmapError("libmap: no libmap_registry symbol in this program")
    return inspect_lib.registry(lay)
