"""Giving freed heap memory back to the OS after each cycle, and keeping the collector's full passes short.

A cycle on a big host allocates and frees hundreds of megabytes (the decoded
reply, the previous snapshot). glibc keeps freed memory in its arenas, so
without a trim the RSS ratchets up to the largest peak ever seen; with one,
it stays near what is live. Elsewhere (musl, macOS) this is a no-op.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def trimmer() -> Callable[[], None]:
    """A function releasing free heap memory (glibc ``malloc_trim``), or one that does nothing."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int

    def release() -> None:
        trim(0)

    return release


def freeze_survivors() -> None:
    """Move what survived the cycle (the snapshot, the caches) out of the cyclic collector's reach.

    At 50,000 containers a full collection walks millions of long-lived objects for 90-140 ms, all of it
    holding the GIL the event loop needs. Frozen, they are never walked again; what they hold is freed
    by reference counting when the next cycle replaces them (snapshots and caches are bytes, tuples and
    dicts without cycles). Measured over ~1,450 cycles: RSS 60 -> 61 MB frozen, 57 -> 60 MB without.
    """
    gc.freeze()


class HeapKeeper:
    """What the scraper does with memory once a cycle has swapped its snapshot in: trim, then freeze."""

    def __init__(self) -> None:
        self._release = trimmer()  # looked up once: ctypes finds libc per call otherwise

    async def after_cycle(self) -> None:
        """The old snapshot and the replies are garbage now: give their memory back (in a thread, as a trim
        of a big heap takes milliseconds), then freeze the new snapshot and the caches."""
        await asyncio.to_thread(self._release)
        freeze_survivors()
