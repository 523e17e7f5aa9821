"""The aiohttp application factory: every configured channel, the officer side, and the
runtime's lifecycle."""

from __future__ import annotations

import gc
import logging

from aiohttp import web

from bot.runtime import Runtime
from core import loop_monitor
from core.hub import RUNTIME
from core.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, role: str = "all", workers: int = 1) -> web.Application:
    """`role`: "web" (HTTP only), "worker" (no HTTP routes but health), or "all"."""
    from handlers import health, platform, registry, security_headers, server_limits
    from handlers.auth import trusted_networks

    trusted_networks(settings.trusted_proxies)  # a malformed TRUSTED_PROXIES stops the start here
    runtime = Runtime(settings)
    for channel_class in registry.CHANNELS:  # in every role: the sender needs them
        if channel_class.configured(runtime.settings):
            runtime.add_channel(channel_class(runtime))
    app = web.Application(client_max_size=settings.max_upload_bytes + 1_000_000)
    app[RUNTIME] = runtime
    security_headers.install(app, settings.public_base_url)  # CSP, nosniff, ... on every response
    server_limits.install(app, settings)  # slow bodies: 408; bodies in progress per client capped
    app.add_routes(health.routes)
    if role in {"web", "all"}:
        for channel in runtime.channels.values():
            channel.setup(app)
        app.add_routes(platform.routes)  # signed /media links sent to the platforms
        from handlers import analytics, api, officer

        api.setup(app)  # API v1 (/api/v1)
        officer.setup(app)  # officer console (/officer)
        analytics.setup(app)  # the console's analytics dashboard (/officer/analytics)
        app.router.add_get("/", _index)

    async def lifecycle(app: web.Application):
        if role in {"worker", "all"}:
            await runtime.start(workers=workers, sender=True, retention=True)
        # Everything loaded so far (NLU model, libraries) lives as long as the process: keep it out
        # of the garbage collector's full passes, which otherwise pause the loop for tens of ms.
        gc.collect()
        gc.freeze()
        monitor = loop_monitor.start()  # motcua_event_loop_lag_seconds / _block_seconds
        yield
        monitor.cancel()
        await runtime.stop()

    async def closing(app: web.Application) -> None:
        runtime.closing.set()

    app.on_shutdown.append(closing)
    app.cleanup_ctx.append(lifecycle)
    return app


async def _index(request: web.Request) -> web.Response:
    raise web.HTTPFound("/chat")
