"""Writing a built cassette: its interactions, one YAML file per host, and its PROVENANCE.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nianbao.crawler.middlewares.cassette import Interaction, cassette_filename, write_cassette

HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}

# --- Interactions and files ----------------------------------------------------------------


def html_interaction(url: str, page: str) -> Interaction:
    return Interaction("GET", url, 200, HTML_HEADERS, page.encode("utf-8"))


def body_interaction(
    url: str, body: bytes, content_type: str, method: str = "GET", request_body: bytes = b""
) -> Interaction:
    return Interaction(method, url, 200, {"Content-Type": content_type}, body, request_body)


def not_found(url: str) -> Interaction:
    """An empty 404: the answer a replay gives for a file the material does not hold."""
    return Interaction("GET", url, 404, {"Content-Type": "text/html; charset=utf-8"}, b"")


def write_portal(
    spider: str, interactions: list[Interaction], provenance: str, root: Path
) -> list[Path]:
    """Write the cassette file(s), one per host, and PROVENANCE.md of one spider."""
    folder = root / spider
    folder.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        by_file.setdefault(cassette_filename(interaction.url), []).append(interaction)
    paths = []
    for name, items in sorted(by_file.items()):
        write_cassette(folder / name, items)
        paths.append(folder / name)
    (folder / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    return [*paths, folder / "PROVENANCE.md"]


def provenance(
    spider: str,
    title: str,
    real: Sequence[str],
    reconstructed: Sequence[str],
    left_out: Sequence[str],
) -> str:
    """PROVENANCE.md in one shape for every built cassette."""

    def items(lines: Sequence[str]) -> str:
        return "\n".join(f"- {line}" for line in lines)

    return f"""# {spider} cassette: provenance

{title}

Built by `scripts/build_cassettes.py {spider}` from the shared material; re-running the
script gives byte-identical files. Do not edit the cassette by hand.

## Real

{items(real)}

## Reconstructed

{items(reconstructed)}

## Left out rather than invented

{items(left_out)}

No figure on these pages was invented.
"""
