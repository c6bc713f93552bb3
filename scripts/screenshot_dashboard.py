"""Regenerate the README's screenshots of ``nianbao serve``: the home page and an authority page.

The same code path as tests/crawler/test_dashboard.py: the real reports of the dashboard test
(``store_real_reports``) in a temporary SQLite file, ``nianbao serve`` started as a user would,
headless Chromium in a 1280×800 viewport over the DevTools protocol. A screenshot whose data is
not in the first screen is refused (exit 1), so the README cannot show what the test forbids.

    .venv/bin/python scripts/screenshot_dashboard.py            # docs/dashboard*.png

Needs Chromium and a Chinese font (Debian: chromium fonts-wqy-zenhei); the shared material is
read from ``$NIANBAO_SHARED``, else ``../shared`` beside the repository.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the test scaffolding: see tests/support/__init__.py

from support.headless import browser, first_screen_problem  # noqa: E402
from support.served import TWO_YEARS_AUTHORITY, serving, store_real_reports  # noqa: E402

#: File name, page path, the elements that must be in the first screen.
SHOTS = (
    ("dashboard.png", "/", ("#years", "#authorities tbody tr:first-child")),
    (
        "dashboard-authority.png",
        "/authority/" + quote(TWO_YEARS_AUTHORITY),
        ("svg.nianbao-chart", '#years-side-by-side tr[data-column="on_time"]'),
    ),
)


def compact(png: Path, target: Path) -> None:
    """Write the screenshot with a 128-colour palette (a third of the bytes; text stays sharp)."""
    from PIL import Image

    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=128).save(target, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder of the PNGs")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("screenshot_dashboard: needs chromium on PATH", file=sys.stderr)
        return 2
    shared = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-screenshot-") as work:
        db_url = f"sqlite:///{Path(work) / 'nianbao.db'}"
        store_real_reports(db_url, shared)
        with (
            serving(db_url, Path(work) / "snapshot.db") as root,
            browser(chromium, Path(work) / "profile") as page,
        ):
            for name, path, selectors in SHOTS:
                page.load(root + path)
                png = page.screenshot(Path(work) / name)
                problems = [p for s in selectors if (p := first_screen_problem(page, s, png))]
                if problems:
                    print(f"screenshot_dashboard: {name}: {'; '.join(problems)}", file=sys.stderr)
                    return 1
                compact(png, args.out / name)
                print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
