"""The rules for fetching a URL named by a webhook event (server-side request forgery guard).

A platform's event names where its CDN keeps a photo; a leaked secret, a platform bug or a future
channel could name anything instead. So a URL is fetched only when:

- its scheme is https (plain http only for hosts listed in MEDIA_LOCAL_HOSTS, which tests use);
- its host is one of MEDIA_HOSTS or a subdomain of one (the platforms' CDN suffixes), or is
  listed in MEDIA_LOCAL_HOSTS;
- every address the host resolves to is a public one (no loopback, private, link-local, shared,
  reserved or multicast address) — checked by the connector's resolver, so at connection time,
  for each redirect too, and with no window for a DNS rebinding between check and use. Hosts in
  MEDIA_LOCAL_HOSTS are exempt (an explicit list for local fakes, empty in production);
- a redirect stays on the same host (and passes the same checks); at most MAX_REDIRECTS.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

MAX_REDIRECTS = 3


class Refused(Exception):
    """A URL the rules refuse (never fetched); the message says which rule."""


class NonPublic(OSError):
    """Raised by the resolver: the name resolves to a non-public address."""


def refused_connection(exc: BaseException) -> bool:
    """True when a client error is the resolver's refusal (not a network failure to retry)."""
    return isinstance(exc, NonPublic) or isinstance(getattr(exc, "os_error", None), NonPublic)


def _names(spec: str) -> frozenset[str]:
    return frozenset(p.strip().lower().strip(".") for p in spec.split(",") if p.strip())


def public_address(text: str) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 judged as its IPv4)."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast and not ip.is_reserved


class Policy:
    """MEDIA_HOSTS and MEDIA_LOCAL_HOSTS as read from the settings."""

    def __init__(self, hosts: str, local_hosts: str = "") -> None:
        self.suffixes = _names(hosts)
        self.local = _names(local_hosts)

    @classmethod
    def from_settings(cls, settings: Any) -> Policy:
        return cls(settings.media_hosts, settings.media_local_hosts)

    def allowed_host(self, host: str) -> bool:
        host = host.lower().strip(".")
        return host in self.local or any(host == s or host.endswith("." + s) for s in self.suffixes)

    def check(self, url: str, *, origin_host: str | None = None) -> str:
        """The URL's host when the URL may be fetched; Refused otherwise."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower().strip(".")
            parts.port  # noqa: B018 - a malformed port raises here
        except ValueError as exc:
            raise Refused(f"malformed URL: {exc}") from None
        if not host:
            raise Refused("no host")
        if parts.username is not None or parts.password is not None:
            raise Refused("credentials in URL")
        if parts.scheme == "http":
            if host not in self.local:
                raise Refused(f"plain http to {host}")
        elif parts.scheme != "https":
            raise Refused(f"scheme {parts.scheme or '(none)'}")
        if origin_host is not None and host != origin_host:
            raise Refused(f"redirect to another host ({host})")
        if not self.allowed_host(host):
            raise Refused(f"host {host} is not a platform CDN")
        if host not in self.local and _is_ip(host) and not public_address(host):
            raise Refused(f"non-public address {host}")
        return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class PublicResolver(AbstractResolver):
    """The system resolver, refusing a name with any non-public address (unless the name is in
    `local`): the connector then fails the request before a connection is made."""

    def __init__(self, local: frozenset[str] = frozenset()) -> None:
        self._inner = ThreadedResolver()
        self.local = local

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host.lower().strip(".") in self.local:
            return results
        bad = [r["host"] for r in results if not public_address(r["host"])]
        if bad or not results:
            raise NonPublic(f"{host} resolves to a non-public address ({', '.join(bad) or 'none'})")
        return results

    async def close(self) -> None:
        await self._inner.close()


def session(policy: Policy, timeout: aiohttp.ClientTimeout) -> aiohttp.ClientSession:
    """A client session whose every connection goes through the public-address resolver (IP
    literals skip resolvers: `Policy.check` judges those), with no proxy from the environment."""
    connector = aiohttp.TCPConnector(resolver=PublicResolver(policy.local), limit=32)
    return aiohttp.ClientSession(timeout=timeout, connector=connector, trust_env=False)


async def get(
    http: aiohttp.ClientSession, policy: Policy, url: str, limit: int, too_large: type[Exception]
) -> bytes:
    """The body of `url` after the checks (each redirect checked again, same host only), at most
    `limit` bytes (`too_large` raised beyond). Refused, aiohttp.ClientError or OSError on failure."""
    host = policy.check(url)
    for _ in range(MAX_REDIRECTS + 1):
        async with http.get(url, allow_redirects=False) as resp:
            if resp.status in (301, 302, 303, 307, 308):
                target = resp.headers.get("Location")
                if not target:
                    raise Refused("redirect without Location")
                url = urljoin(url, target)
                policy.check(url, origin_host=host)
                continue
            if resp.status != 200:
                raise aiohttp.ClientResponseError(
                    resp.request_info, resp.history, status=resp.status, message=f"HTTP {resp.status}"
                )
            if resp.content_length is not None and resp.content_length > limit:
                raise too_large()
            data = bytearray()
            async for chunk in resp.content.iter_chunked(256 * 1024):
                data.extend(chunk)
                if len(data) > limit:
                    raise too_large()
            return bytes(data)
    raise Refused("too many redirects")
