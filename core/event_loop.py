"""The event loop: uvloop when it is installed (a dependency on Linux; about a tenth less CPU per
turn in the worker, see README "End-to-end load"), else asyncio's own."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


def use_uvloop() -> bool:
    """Make the loops created from now on uvloop's; False (asyncio's loop kept) without it."""
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True
