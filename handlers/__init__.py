"""Channels: one module per channel (HTTP routes in, a `Channel` to send out), plus health routes."""
