"""The neutral core: events, the channel interface, settings, storage, queue, media.

It imports nothing of ours above it (see ARCHITECTURE.md)."""
