"""Channels (one module per channel, each a `core.channel.Channel` with its routes in and its
sending out; `registry.CHANNELS` lists them), the officer console and API, auth, and health routes."""
