"""Serving a stored file (a photo, a receipt) once the caller has decided the viewer may see it."""

from __future__ import annotations

from aiohttp import web

from core.media import MediaStore


def stored_file(media: MediaStore, path: str, cache: str, **headers: str) -> web.FileResponse:
    """The file at `path` (relative to MEDIA_DIR) with its sniffed type and `cache` as
    Cache-Control; 404 when it is missing or `path` leaves the media folder."""
    try:
        full = media.full_path(path)
    except ValueError:
        raise web.HTTPNotFound() from None
    if not full.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(
        full,
        headers={
            "Content-Type": media.content_type(path),
            "Cache-Control": cache,
            "X-Content-Type-Options": "nosniff",
            **headers,
        },
    )
