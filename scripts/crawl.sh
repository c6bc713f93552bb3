#!/bin/sh
# The main job on the embedded default: install, then replay every spider's cassettes into
# the SQLite database nianbao.db (no network) and print the summary table.
# Extra arguments go to `nianbao crawl` (e.g. --db postgresql+psycopg://...).
EXTRAS=""
. "$(dirname "$0")/_venv.sh"
exec nianbao crawl --all --replay --loglevel WARNING "$@"
