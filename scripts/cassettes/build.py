"""One builder per page shape, and the cassette of a portal from its description."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import flipbook, hanweb, link_list, luding, trs, ucap
from .describe import Portal
from .output import Built, provenance, write_portal

#: The builder of each shape: a registry family, or a description's ``shape``.
BUILDERS: dict[str, Callable[[Portal], Built]] = {
    "link_list": link_list.build,
    "trs": trs.build,
    "hanweb": hanweb.build,
    "ucap": ucap.build,
    "flipbook": flipbook.build,
    "luding": luding.build,
}


def write(portal: Portal, root: Path) -> list[Path]:
    """Build the portal's pages, write its cassette and its PROVENANCE.md (the description's
    prose, after what the builder states itself)."""
    built = BUILDERS[portal.family](portal)
    prose = portal.get("provenance")
    note = provenance(
        portal.name,
        prose.get("title", ""),
        [*built.real, *prose["real"]],
        prose["reconstructed"],
        prose["left_out"],
        prose.get("reconstructed_note", ""),
    )
    return write_portal(portal.name, built.interactions, note, root)
