# Shared by scripts/serve and scripts/test: a virtual environment with libsys installed.
# Reinstalls only when pyproject.toml changed since the last install.

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$PROJECT_DIR/.venv"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "libsys needs Python 3.11 or newer; none was found on PATH." >&2
  return 1
}

ensure_venv() {
  # $1: pip extras, e.g. "[test]" or ""
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.libsys-installed$extras"
  local wanted
  wanted="$(cat "$PROJECT_DIR/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "==> installing libsys$extras into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$PROJECT_DIR$extras"
    echo "$wanted" >"$stamp"
  fi
}
