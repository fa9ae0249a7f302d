# Sourced by bin/pipeline and bin/test: make .venv with the project installed (once, and
# again whenever pyproject.toml changes), then put it first on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${TIDYREVIEW_VENV:-$ROOT/.venv}"
EXTRAS="${1:-test}"
stamp="$VENV/.installed-$EXTRAS-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "setting up $VENV (extras: $EXTRAS) ..." >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[$EXTRAS]"
    rm -f "$VENV"/.installed-"$EXTRAS"-*
    touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
