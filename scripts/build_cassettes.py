"""Build spider cassettes from the shared real material, reproducibly.

Some portals cannot be recorded from here (no network, or no real HTML of the portal was ever
saved), but their report text is known. For those, the pages are reconstructed around the real
text, and the cassette says so in its PROVENANCE.md. What each portal's pages are made of is
described in ``scripts/cassettes/portals.toml`` (beside its row of ``crawler/portals.csv``),
and one builder per CMS family arranges them (the ``cassettes`` package); each portal gives
``cassettes/<spider>/<host>.yaml`` and ``PROVENANCE.md``, and the same inputs always give the
same bytes (no clocks, sorted interactions), so re-running leaves ``git diff`` empty.

    .venv/bin/python scripts/build_cassettes.py sichuan_luding
    .venv/bin/python scripts/build_cassettes.py            # every portal

The shared material is read from ``$NIANBAO_SHARED``, else ``../shared`` beside the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cassettes import build, describe

REPO = Path(__file__).resolve().parent.parent
CASSETTES = REPO / "cassettes"


def shared_dir() -> Path:
    return Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spiders", nargs="*", help="default: every portal of portals.toml")
    parser.add_argument("--out", type=Path, default=CASSETTES, help="cassette root folder")
    args = parser.parse_args(argv)
    shared = shared_dir()
    if not shared.is_dir():
        parser.error(f"shared material not found at {shared} (set NIANBAO_SHARED)")
    portals = describe.load(shared)
    unknown = sorted(set(args.spiders) - set(portals))
    if unknown:
        parser.error(f"no cassette description for {', '.join(unknown)}")
    for spider in args.spiders or list(portals):
        for path in build.write(portals[spider], args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
