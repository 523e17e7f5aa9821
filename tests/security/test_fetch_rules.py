"""The fetch rules on their own (no server): which URLs may be fetched, which addresses are
public, and the resolver refusing a CDN name that resolves (or is rebound) to an internal
address — the DNS answers come from a stand-in resolver, as an attacker's DNS would give them."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver

from handlers import safe_fetch

POLICY = safe_fetch.Policy("zdn.vn,fbcdn.net", local_hosts="")


@pytest.mark.parametrize(
    "url",
    [
        "https://photo-stal-15.zdn.vn/a.jpg",
        "https://zdn.vn/a.jpg",
        "https://scontent.xx.fbcdn.net/v/t1/x.png?oh=1",
        "https://SCONTENT.XX.FBCDN.NET./x.png",
    ],
)
def test_cdn_urls_pass(url):
    assert POLICY.check(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://photo-stal-15.zdn.vn/a.jpg",  # plain http
        "https://evilzdn.vn/a.jpg",  # not a subdomain
        "https://zdn.vn.evil.example/a.jpg",
        "https://user@zdn.vn/a.jpg",
        "file:///etc/passwd",
        "ftp://zdn.vn/a",
        "https://127.0.0.1/a",
        "https://[::1]/a",
        "",
        "https://zdn.vn:99999/a",
        "//zdn.vn/a",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(safe_fetch.Refused):
        POLICY.check(url)


def test_a_redirect_must_stay_on_the_host():
    with pytest.raises(safe_fetch.Refused):
        POLICY.check("https://other.zdn.vn/a", origin_host="photo.zdn.vn")
    assert POLICY.check("https://photo.zdn.vn/b", origin_host="photo.zdn.vn")


@pytest.mark.parametrize(
    "address,public",
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
    ],
)
def test_public_addresses(address, public):
    assert safe_fetch.public_address(address) is public


class _AttackerDNS(AbstractResolver):
    """Answers every name with the given addresses (a rebinding DNS would do this on the 2nd ask)."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {"hostname": host, "host": a, "port": port, "family": family, "proto": 0, "flags": 0}
            for a in self.addresses
        ]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("answers", [("10.0.0.7",), ("93.184.216.34", "127.0.0.1"), ("169.254.169.254",), ()])
async def test_the_resolver_refuses_a_cdn_name_with_an_internal_address(answers):
    resolver = safe_fetch.PublicResolver()
    resolver._inner = _AttackerDNS(*answers)
    with pytest.raises(safe_fetch.NonPublic):
        await resolver.resolve("photo-stal-15.zdn.vn", 443)


async def test_the_fetch_session_refuses_before_connecting():
    """Through the real client session: the resolver's refusal surfaces as a connection error
    recognised as a refusal (not retried)."""
    session = safe_fetch.session(POLICY, aiohttp.ClientTimeout(total=5))
    session.connector._resolver._inner = _AttackerDNS("127.0.0.1")
    try:
        with pytest.raises(aiohttp.ClientError) as caught:
            await safe_fetch.get(session, POLICY, "https://photo-stal-15.zdn.vn/a.jpg", 1000, ValueError)
        assert safe_fetch.refused_connection(caught.value)
    finally:
        await session.close()


async def test_public_answers_pass_the_resolver():
    resolver = safe_fetch.PublicResolver()
    resolver._inner = _AttackerDNS("93.184.216.34")
    assert [r["host"] for r in await resolver.resolve("photo-stal-15.zdn.vn", 443)] == ["93.184.216.34"]
