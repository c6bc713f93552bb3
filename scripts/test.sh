#!/bin/sh
# Install with the test extras, then run the linters and the whole test suite.
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) tests run when the servers answer;
# with CI set they must answer. Extra arguments go to pytest.
EXTRAS=test
. "$(dirname "$0")/_venv.sh"
ruff format --check .
ruff check .
exec python -m pytest "$@"
