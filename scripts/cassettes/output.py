"""Writing a built cassette: its interactions, one YAML file per host, and its PROVENANCE.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.crawler.middlewares.cassette import Interaction, cassette_filename, write_cassette

HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class Built:
    """What a family builder makes of a portal: the cassette's interactions, and the lines of
    PROVENANCE.md's "Real" list that it states itself (before the description's own)."""

    interactions: list[Interaction]
    real: list[str] = field(default_factory=list)


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


#: The last line of every built cassette's "left out" list.
NO_ROBOTS = "No `robots.txt`: the cassette middleware answers it with a synthetic 404 on replay."


def provenance(
    spider: str,
    title: str,
    real: Sequence[str],
    reconstructed: Sequence[str],
    left_out: Sequence[str],
    reconstructed_note: str = "",
) -> str:
    """PROVENANCE.md in one shape for every built cassette: what is real, what reconstructed,
    what left out (``robots.txt`` always), and that no figure was invented."""

    def items(lines: Sequence[str]) -> str:
        return "\n".join(f"- {line}" for line in lines)

    intro = f"{title}\n\n" if title else ""
    note = f" ({reconstructed_note})" if reconstructed_note else ""
    return f"""# {spider} cassette: provenance

{intro}Built by `scripts/build_cassettes.py {spider}` from the shared material; re-running the
script gives byte-identical files. Do not edit the cassette by hand.

## Real

{items(real)}

## Reconstructed{note}

{items(reconstructed)}

## Left out rather than invented

{items([*left_out, NO_ROBOTS])}

No figure on these pages was invented.
"""
