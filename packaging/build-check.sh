#!/usr/bin/env bash
# Builds the one-folder Linux bundle from this checkout with PyInstaller and proves it runs
# offscreen: --version, a headless demo batch (image and video), and the window's
# self-check (demo batch, video playback, Korean, keyring backends). Then installs the
# checkout with pipx into a scratch prefix and runs the same checks from there.
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
trap 'rm -rf "$work"' EXIT
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
