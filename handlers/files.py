"""Serving a stored file (a photo, a receipt) once the caller has decided the viewer may see it."""

from __future__ import annotations

from aiohttp import web

from core.media import MediaStore


def stored_file(media: MediaStore, path: str, cache: str, **headers: str) -> web.FileResponse:
    """The file at `path` (relative to MEDIA_DIR) with its sniffed type only (nosniff, a
    sandboxing CSP, Content-Disposition: inline for images, attachment otherwise) and `cache` as
    Cache-Control; 404 when it is missing or `path` leaves the media folder."""
    try:
        full = media.full_path(path)
    except ValueError:
        raise web.HTTPNotFound() from None
    if not full.is_file():
        raise web.HTTPNotFound()
    content_type = media.content_type(path)  # chosen from the sniffed bytes when stored
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    return web.FileResponse(
        full,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'{disposition}; filename="{full.name}"',
            "Cache-Control": cache,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            **headers,
        },
    )
