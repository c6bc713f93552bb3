"""Fixtures of attachment material built from real reports (see ``material.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .material import docx_tables_to_xlsx, fill_template, render_pages


@pytest.fixture(scope="session")
def hongze_pdf(shared: Path) -> bytes:
    return (shared / "corpus" / "attachments" / "hongze_qu_2023.pdf").read_bytes()


@pytest.fixture(scope="session")
def template_docx(shared: Path) -> bytes:
    return (shared / "corpus" / "attachments" / "zhengwu_gongkai_nianbao_moban.docx").read_bytes()


@pytest.fixture(scope="session")
def filled_docx(template_docx: bytes) -> bytes:
    return fill_template(template_docx)


@pytest.fixture(scope="session")
def hongze_xlsx(filled_docx: bytes) -> bytes:
    return docx_tables_to_xlsx(filled_docx)


@pytest.fixture(scope="session")
def scanned_pages(hongze_pdf: bytes) -> Callable[[list[int]], list[bytes]]:
    cache: dict[tuple[int, ...], list[bytes]] = {}

    def get(pages: list[int]) -> list[bytes]:
        key = tuple(pages)
        if key not in cache:
            cache[key] = render_pages(hongze_pdf, pages)
        return cache[key]

    return get
