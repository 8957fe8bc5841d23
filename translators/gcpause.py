"""Pausing Python's cyclic garbage collector around batch work.

Loading and translating an estate allocates millions of small dicts, lists and strings that stay
alive until the plan is done and hold no reference cycles; every collection of the older
generations walks all of them again. Measured on the 10,000-object benchmark estate
(``benchmarks/run.py``): translate 5.1 s with the collector running, 3.3 s with it paused.
Reference counting still frees everything that is not in a cycle.

Objects allocated while the collector is off all sit in its youngest generation, so the first
collection after re-enabling it would walk every one of them (0.4 s at 10,000 objects). The
objects still alive at the end of the block (the plan a caller keeps until it exits) are frozen
into the permanent generation instead (:func:`gc.freeze`, as ``offline.runner`` does for the
Pulumi run).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` block, then freeze what survived it and
    restore the collector's previous state.

    Nested use is safe: only the outermost block that found the collector enabled re-enables it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
