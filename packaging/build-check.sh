#!/usr/bin/env bash
# Builds the one-folder Linux bundle from this checkout with PyInstaller and proves it runs
# offscreen: --version, a headless demo batch (image and video), and the window's
# self-check (demo batch, video playback, Korean, keyring backends), and a batch run by the
# bundle's own Celery worker through a Redis broker. Then installs the checkout with pipx
# into a scratch prefix and runs the demo batch and the self-check from there.
# About three minutes on 2 cores; CI runs it after the tests (.ci/run).
#   bash packaging/build-check.sh [--keep DIR]   --keep leaves the bundle in DIR/batch-studio
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
keep=""
[ "${1:-}" = "--keep" ] && keep=${2:?--keep needs a folder}

bash packaging/dev.sh setup
.venv/bin/python -m pip install -q "pyinstaller>=6.10" "pipx>=1.4"
work=$(mktemp -d)
trap 'jobs -p | xargs -r kill 2>/dev/null || true; rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen

step() { echo; echo "== $*"; }
check_batch() {  # $1: the batch-studio command to test
  local out="$work/out-$RANDOM"
  cat > "$work/check.yaml" <<'YAML'
schema_version: 1
jobs:
  - name: check image
    model: black-forest-labs/flux-2-pro/text-to-image
    inputs: {prompt: a lighthouse at dawn}
  - name: check video
    model: bytedance/seedance-v1.5-pro-fast/text-to-video
    inputs: {prompt: waves rolling in, duration: 5}
YAML
  (cd "$work" && "$1" run check.yaml --demo --yes --out "$out")
  test -s "$out/manifest.json" || { echo "no manifest in $out" >&2; exit 1; }
  find "$out" -name '*.mp4' -size +1k | grep -q . || { echo "no video in $out" >&2; exit 1; }
  # Each output carries its recipe (mutagen and piexif made it into the bundle).
  "$1" recipe "$(find "$out" -name '*.mp4' | head -1)" "$(find "$out" -name '*.png' | head -1)" > /dev/null \
    || { echo "the outputs in $out carry no recipe" >&2; exit 1; }
}

free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_line() {  # $1 file, $2 text, $3 seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}
check_fleet() {  # $1: the batch-studio command; a Redis broker, its simulator and one Celery worker
  local port sim_log="$work/fleet-sim.log" url pids=()
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 & pids+=($!)
  "$1" sim --port 0 --speed 20 > "$sim_log" 2>&1 & pids+=($!)
  wait_for_line "$sim_log" "listening on " 30
  url=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$sim_log" | head -1)
  export BATCH_STUDIO_BROKER_URL="redis://127.0.0.1:$port/0" ATLASCLOUD_BASE_URL="$url" \
    ATLASCLOUD_API_KEY=apikey-batch-studio-demo
  "$1" worker --concurrency 2 > "$work/worker.log" 2>&1 & pids+=($!)
  (cd "$work" && timeout 180 "$1" run check.yaml --executor celery --yes --out "$work/fleet-out") \
    || { cat "$work/worker.log" >&2; kill "${pids[@]}"; exit 1; }
  kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true
  unset BATCH_STUDIO_BROKER_URL ATLASCLOUD_BASE_URL ATLASCLOUD_API_KEY
  test -s "$work/fleet-out/manifest.json" && find "$work/fleet-out" -name '*.mp4' -size +1k | grep -q . \
    || { echo "the Celery batch left no manifest or video" >&2; exit 1; }
}

step "PyInstaller build"
started=$(date +%s)
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath "$work/dist" --workpath "$work/build" \
  packaging/pyinstaller/batch-studio.spec
bundle="$work/dist/batch-studio"
echo "built $(du -sh "$bundle" | cut -f1) in $(( $(date +%s) - started )) s"

step "bundle: --version"
"$bundle/batch-studio" --version
step "bundle: headless demo batch"
check_batch "$bundle/batch-studio"
step "bundle: window self-check (offscreen)"
(cd "$work" && "$bundle/batch-studio" --self-check)
step "bundle: a batch on a Celery worker (Redis broker)"
check_fleet "$bundle/batch-studio"

step "pipx install ."
PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/bin" .venv/bin/pipx install --quiet "$root"
"$work/bin/batch-studio" --version
check_batch "$work/bin/batch-studio"
(cd "$work" && "$work/bin/batch-studio" --self-check)

if [ -n "$keep" ]; then
  mkdir -p "$keep" && rm -rf "${keep:?}/batch-studio" && cp -a "$bundle" "$keep/"
  echo "bundle kept in $keep/batch-studio"
fi
echo
echo "build check passed in $(( $(date +%s) - started )) s"
