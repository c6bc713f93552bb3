#!/bin/sh
# Refresh the lock files that scripts/_venv.sh and .ci/run install from: the exact versions the
# tests passed with. Run after changing dependencies in pyproject.toml, then run the tests and
# commit pyproject.toml with requirements/*.lock. Needs uv (`pip install uv`); the lock files
# themselves install with any pip.
set -eu
cd "$(dirname "$0")/.."
UV="${UV:-uv}"
common="--quiet --universal --python-version 3.11 --no-header --annotation-style line"
# shellcheck disable=SC2086
"$UV" pip compile $common pyproject.toml -o requirements/base.lock
# shellcheck disable=SC2086
"$UV" pip compile $common --extra test --extra postgres --extra serve --extra parquet \
    --extra scrapyd pyproject.toml -o requirements/test.lock
# The compiled build (README "Compiled parsers"): the crawl's dependencies and mypyc. Seeded
# from base.lock, so the pins it shares with base.lock and test.lock agree (test_compiled.sh
# installs test.lock and compile.lock together).
[ -f requirements/compile.lock ] || cp requirements/base.lock requirements/compile.lock
# shellcheck disable=SC2086
"$UV" pip compile $common --extra compile pyproject.toml -o requirements/compile.lock
