# Sourced by the other scripts: make .venv with the project installed, once per dependency change.
# Needs only python3 (3.11+) and a package registry; the machine's own pip is enough.
# Dependencies come from the lock file (requirements/*.lock: the exact versions the tests passed
# with, refreshed by scripts/lock.sh), then the project itself without resolving again.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${NIANBAO_VENV:-$ROOT/.venv}"
EXTRAS="${EXTRAS:-}"  # set by the calling script: "" (the crawl) or "test"
PY="${PYTHON:-python3}"
LOCK="$ROOT/requirements/${EXTRAS:-base}.lock"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
STAMP="$VENV/.nianbao-installed${EXTRAS:+-$EXTRAS}"
WANT="$(cat "$ROOT/pyproject.toml" "$LOCK" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet -r "$LOCK"
    "$VENV/bin/python" -m pip install --quiet --no-deps -e "$ROOT"
    echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
