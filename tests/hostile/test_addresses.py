"""No request of any kind reaches a non-public address (crawler/middlewares/addresses.py).

The real 泸定县 report page (its cassette) is served by the local simulator under its real URL,
with links added the way a hostile or careless portal writes them: an attachment on
127.0.0.1, the same address spelled as a decimal number, and an attachment on the portal's
own host that redirects to 127.0.0.1. None of them may be fetched; the report is still stored.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request
from simulator import ROOT, Portal, crawl_through, serving

from nianbao.crawler.middlewares.addresses import (
    AddressGuardMiddleware,
    NonPublicAddress,
    is_public,
    literal_address,
)
from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions

LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
OFFSITE = "http://files.example-cdn.cn/d.pdf"
NON_PUBLIC = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
              "224.0.0.0/4", "0.0.0.0/8", "240.0.0.0/4"]  # fmt: skip


def spellings(address: ipaddress.IPv4Address) -> list[str]:
    """The ways a URL can name one IPv4 address that the C resolver accepts."""
    number = int(address)
    a, b, c, d = address.packed
    return [
        str(address),
        str(number),
        hex(number),
        ".".join(f"0{part:o}" for part in address.packed),
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"[::ffff:{address}]",
    ]


@given(st.sampled_from(NON_PUBLIC).flatmap(
    lambda net: st.integers(0, ipaddress.ip_network(net).num_addresses - 1).map(
        lambda offset: ipaddress.ip_network(net)[offset])))  # fmt: skip
def test_every_spelling_of_a_non_public_address_is_recognised(
    address: ipaddress.IPv4Address,
) -> None:
    for spelling in spellings(address):
        parsed = literal_address(spelling)
        assert parsed is not None, spelling
        assert not is_public(parsed), spelling


def test_public_addresses_and_names() -> None:
    assert is_public(ipaddress.ip_address("117.174.28.10"))
    assert literal_address("www.luding.gov.cn") is None
    assert not is_public(ipaddress.ip_address("::1"))
    assert not is_public(ipaddress.ip_address("fe80::1"))


def _guard(allow: bool, names: dict[str, str]) -> AddressGuardMiddleware:
    async def resolve(host: str) -> str:
        return names[host]

    return AddressGuardMiddleware(allow_private=allow, resolve=resolve)


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch) -> None:
    for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    names = {"intranet.example.gov.cn": "10.1.2.3", "www.luding.gov.cn": "117.174.28.10"}
    guard = _guard(False, names)
    with pytest.raises(NonPublicAddress):
        asyncio.run(guard.process_request(Request("http://intranet.example.gov.cn/a.pdf")))
    assert asyncio.run(guard.process_request(Request(LUDING_URL))) is None
    allowed = _guard(True, names)
    assert asyncio.run(allowed.process_request(Request("http://intranet.example.gov.cn/"))) is None


def test_links_and_redirects_to_loopback_are_never_fetched(tmp_path: Path) -> None:
    portal = Portal()
    for interaction in load_interactions(ROOT / "cassettes/sichuan_luding"):
        portal.add(interaction)
    with serving(portal) as proxy:
        port = proxy.rsplit(":", 1)[1]
        page = portal.pages[("GET", LUDING_URL, "")]
        links = (
            f'<a href="http://127.0.0.1:{port}/internal/a.pdf">附件1</a>'
            f'<a href="http://2130706433:{port}/internal/b.pdf">附件2</a>'
            '<a href="http://www.luding.gov.cn/upload/c.pdf">附件3</a>'
            f'<a href="{OFFSITE}">附件4</a>'
        ).encode()
        body = page.body.replace(b"</body>", links + b"</body>", 1)
        portal.add(Interaction("GET", LUDING_URL, 200, page.headers, body))
        portal.add(
            Interaction(
                "GET",
                "http://www.luding.gov.cn/upload/c.pdf",
                302,
                {"Location": f"http://127.0.0.1:{port}/internal/c.pdf"},
                b"",
            )
        )
        # Even hosts an operator lists as file servers are refused on a private address.
        result = crawl_through(
            proxy, "sichuan_luding", tmp_path, "NIANBAO_ATTACHMENT_HOSTS=127.0.0.1,2130706433"
        )
    out = tmp_path / "items.jsonl"
    assert result.returncode == 0, result.stderr[-3000:]
    assert not [url for _, url in portal.seen if "/internal/" in url], portal.seen
    assert ("GET", "http://www.luding.gov.cn/upload/c.pdf") in portal.seen  # the hop was refused
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [item["source_url"] for item in items] == [LUDING_URL]
    files = {entry["url"]: entry for entry in items[0]["attachment_files"]}
    assert {url: entry.get("code") for url, entry in files.items()} == {
        f"http://127.0.0.1:{port}/internal/a.pdf": "attachment_address_refused",
        f"http://2130706433:{port}/internal/b.pdf": "attachment_address_refused",
        # The hop to 127.0.0.1 leaves the spider's domains: the offsite filter stops it first.
        "http://www.luding.gov.cn/upload/c.pdf": "attachment_offsite",
        OFFSITE: "attachment_offsite",
    }
    assert ("GET", OFFSITE) not in portal.seen
    warc = b"".join(path.read_bytes() for path in (tmp_path / "warc").rglob("*") if path.is_file())
    assert b"/internal/" not in warc.replace(b'/internal/a.pdf">', b"")
