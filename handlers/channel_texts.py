"""The channels' own sentences (handlers/channels.yml): the web chat's and the terminal's."""

from __future__ import annotations

from pathlib import Path

from core.texts import Texts

TEXTS = Texts.load(Path(__file__).resolve().with_name("channels.yml"))
