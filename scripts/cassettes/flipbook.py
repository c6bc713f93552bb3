"""Pages of a PDF flip-book (FLBook-style ``files/basic-html/pageN.html``)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import ListItem, esc
from .describe import Portal
from .material import CorpusText, paragraphs
from .output import Built, html_interaction


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


def shelf_page(spider: str, what: str, title: str, items: Sequence[ListItem]) -> str:
    """The page listing the books (its real shape is not known): a plain list of links."""
    links = "\n".join(
        f'<li><a href="{esc(item.href)}" title="{esc(item.title)}">{esc(item.title)}</a></li>'
        for item in items
    )
    return f"""<!DOCTYPE html>
<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/{spider}/PROVENANCE.md): the
list of {what}; only the books' titles and page URLs
are real. -->
<html>
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
</head>
<body>
<ul>
{links}
</ul>
</body>
</html>
"""


def build(portal: Portal) -> Built:
    """The registry's column as the shelf of the books, and the one page of each book that
    the material holds (its first line is ``Page N - <title>``)."""
    shelf = portal.column
    built = Built([])
    items = []
    for name in portal.get("texts"):
        text = CorpusText.read(portal.shared / "corpus" / "texts" / name)
        url = text.fields["source_url"]
        assert url.startswith(shelf), url
        page_line = text.lines[0].strip()
        items.append(ListItem(page_line.split(" - ", 1)[1], url.removeprefix(shelf)))
        built.interactions.append(html_interaction(url, flipbook_page(portal.name, text.lines)))
        built.real.append(
            f"`{url}`: `corpus/texts/{name}` (source URL in its header: `{url}`), every line a "
            f"paragraph in order; its first line `{page_line}` is also the page's `<title>`."
        )
    title = shelf.rstrip("/").rsplit("/", 1)[1]
    page = shelf_page(portal.name, portal.get("shelf"), title, items)
    built.interactions.append(html_interaction(shelf, page))
    return built
