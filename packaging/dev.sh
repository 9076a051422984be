#!/usr/bin/env bash
# Sets up a fresh Debian machine for Batch Studio, then runs the app, the tests or the simulator.
#   bash packaging/dev.sh app [ARGS...]    the application (demo mode when no API key is set)
#   bash packaging/dev.sh test [ARGS...]   the test suite, offscreen
#   bash packaging/dev.sh sim [ARGS...]    the local Atlas simulator alone
#   bash packaging/dev.sh setup            only the set-up
# Installs only what is missing: Debian packages through apt, Python packages into ./.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt needs these even offscreen (libxrandr2: without it the FFmpeg media backend silently
# fails to load); the xcb ones and xvfb are for a real window and the screenshot command;
# fonts-nanum draws Korean prompts; redis-server serves the distributed-queue tests.
APT_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libpulse0 libxrandr2
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  fonts-dejavu-core fonts-nanum redis-server
)
PYTHON=${PYTHON:-python3}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_apt_packages() {
  local missing=() pkg
  command -v "$PYTHON" >/dev/null 2>&1 || missing+=(python3)
  "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_venv() {
  local stamp=.venv/.batch-studio-installed want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

command=${1:-app}
shift || true
ensure_apt_packages
ensure_venv
case "$command" in
  app)  exec .venv/bin/python -m app "$@" ;;
  test) QT_QPA_PLATFORM=offscreen exec .venv/bin/python -m pytest "$@" ;;
  sim)  exec .venv/bin/python -m app.sim "$@" ;;
  setup) ;;  # the machine and .venv only (used by packaging/build-check.sh)
  *)    echo "usage: bash packaging/dev.sh [app|test|sim|setup] [ARGS...]" >&2; exit 2 ;;
esac
