"""Fake platform servers on 127.0.0.1 (random ports) for the channel tests: they record every
request and can be told to fail, throttle or refuse outside the reply window."""

from .base import FakeServer, Recorded
from .graph import FakeGraph
from .zalo import FakeZalo

__all__ = ["FakeGraph", "FakeServer", "FakeZalo", "Recorded"]
