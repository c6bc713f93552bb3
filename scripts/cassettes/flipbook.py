"""Pages of a PDF flip-book (FLBook-style ``files/basic-html/pageN.html``)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import esc
from .material import paragraphs

# --- Flip-book pages (FLBook-style files/basic-html/pageN.html) ----------------------------


def flipbook_page(spider: str, lines: Sequence[str]) -> str:
    """One page of a PDF flip-book as text: its first line (``Page N - <title>``) is also the
    page's ``<title>``; every line is a ``<p>``, as the text has them."""
    note = (
        f"<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/{spider}/PROVENANCE.md): "
        "the text is the real flip-book page's; the markup around it is not recorded. -->"
    )
    return f"""<!DOCTYPE html>
{note}
<html>
<head>
<meta charset="utf-8">
<title>{esc(lines[0].strip())}</title>
</head>
<body>
<div class="page-text">
{paragraphs(lines)}
</div>
</body>
</html>
"""
