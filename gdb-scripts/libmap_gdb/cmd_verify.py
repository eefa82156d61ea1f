# cmd_verify.py — `libmap verify MAP [MAX]`: check the map's invariants (see
# verify.py) and print each failure with its bucket and slot.

import gdb

from . import args, mapread, verify


class LibmapVerify(gdb.Command):
    """Check a map's invariants: libmap verify MAP [MAX-PROBLEMS]

Checks that count equals the live slots, that every key sits in the bucket
and under the tophash its hash selects (old or new array according to
evacuation), once; that evacuation marks agree with nevacuate; that
EMPTY_REST is honest; that overflow chains end. Each failure names the
bucket, overflow position and slot. Prints "verify: OK" when all hold."""

    def __init__(self):
        super().__init__("libmap verify", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        expr, ints = args.map_and_ints(arg, 1, "libmap verify MAP [MAX-PROBLEMS]")
        limit = ints[0] if ints else 100
        m = mapread.Map(args.map_address(expr))
        gdb.write(verify.format_report(verify.verify(m, limit)) + "\n")


LibmapVerify()
