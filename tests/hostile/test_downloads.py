"""An attachment sent without a length (chunked) and past the size cap is cancelled and
recorded as ``attachment_too_large``: the downloader learns the size only while reading, and
the bare cancellation it raises then once read as ``attachment_unavailable``.

The page is the real 泸定县 report page from its cassette; the file is the real 洪泽区 PDF
(293,525 bytes) served chunked under a cap of 100,000 bytes, and again under a cap it fits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from simulator import ROOT, Portal, crawl_through, serving

from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions

LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
PDF_URL = "http://www.luding.gov.cn/upload/2024nb.pdf"


def _crawl(shared: Path, tmp_path: Path, cap: int) -> dict:
    portal = Portal()
    for interaction in load_interactions(ROOT / "cassettes/sichuan_luding"):
        portal.add(interaction)
    page = portal.pages[("GET", LUDING_URL, "")]
    link = f'<a href="{PDF_URL}">附件：2024年度报告.pdf</a>'.encode()
    portal.add(
        Interaction(
            "GET",
            LUDING_URL,
            200,
            page.headers,
            page.body.replace(b"</body>", link + b"</body>", 1),
        )
    )
    pdf = (shared / "corpus/attachments/hongze_qu_2023.pdf").read_bytes()
    headers = {"Content-Type": "application/pdf", "Transfer-Encoding": "chunked"}
    portal.add(Interaction("GET", PDF_URL, 200, headers, pdf))
    with serving(portal) as proxy:
        result = crawl_through(
            proxy, "sichuan_luding", tmp_path, f"NIANBAO_ATTACHMENT_MAX_BYTES={cap}"
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert ("GET", PDF_URL) in portal.seen
    (item,) = [
        json.loads(line) for line in (tmp_path / "items.jsonl").read_text("utf-8").splitlines()
    ]
    return {entry["url"]: entry for entry in item["attachment_files"]}[PDF_URL]


def test_a_chunked_attachment_past_the_cap_is_too_large(shared: Path, tmp_path: Path) -> None:
    entry = _crawl(shared, tmp_path, cap=100_000)
    assert entry.get("code") == "attachment_too_large"
    assert not list((tmp_path / "files").rglob("*.pdf"))


@pytest.mark.parametrize("cap", [10 * 1024 * 1024])
def test_a_chunked_attachment_under_the_cap_is_kept(shared: Path, tmp_path: Path, cap: int) -> None:
    """The same file under a cap it fits: downloaded whole, so the refusal above is the cap's."""
    entry = _crawl(shared, tmp_path, cap=cap)
    assert entry.get("code") is None, entry
