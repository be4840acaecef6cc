"""Pausing the cyclic garbage collector while building many small objects."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many small objects.

    Composing a large file or building thousands of items allocates millions
    of objects; each allocation burst triggers a traversal of everything
    alive so far, which makes naive loading superlinear in size. The objects
    hold no cycles we create, so pausing is safe; it is re-entrant (an inner
    pause leaves the GC as the outer one found it).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
