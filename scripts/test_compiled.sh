#!/bin/sh
# Build the parsers as C extensions (mypyc, NIANBAO_COMPILE=1 in setup.py) and run the tests
# that parse against them: compiled code enforces the type hints at run time, so a value of
# the wrong type that pure Python lets through fails here. The build happens in a copy of the
# checkout (build/compiled/): an extension beside its .py is imported first and would hide
# later edits of this checkout. Extra arguments go to pytest (default: the parsing suites).
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COPY="$ROOT/build/compiled"
VENV="${NIANBAO_COMPILED_VENV:-$ROOT/.venv-compiled}"
export NIANBAO_SHARED="${NIANBAO_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
rm -rf "$COPY"
mkdir -p "$COPY"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$COPY"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet -r "$ROOT/requirements/test.lock" \
    -r "$ROOT/requirements/compile.lock"
NIANBAO_COMPILE=1 "$VENV/bin/python" -m pip install --quiet --no-build-isolation --no-deps \
    -e "$COPY"
cd "$COPY"
"$VENV/bin/python" -c 'import sys, nianbao.parsers as p; sys.exit(not p.COMPILED)' \
    || { echo "the parsers were not compiled" >&2; exit 1; }
[ $# -gt 0 ] || set -- -q tests/parsers tests/pipelines tests/hostile tests/attachments \
    tests/test_end_to_end.py
exec "$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
