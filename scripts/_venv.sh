# Sourced by the other scripts: make .venv with the project installed, once per pyproject change.
# Needs only python3 (3.11+) and a package registry.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${NIANBAO_VENV:-$ROOT/.venv}"
EXTRAS="${EXTRAS:-}"  # set by the calling script
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
STAMP="$VENV/.nianbao-installed${EXTRAS:+-$EXTRAS}"
WANT="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
    echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
