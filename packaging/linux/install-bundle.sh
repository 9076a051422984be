#!/usr/bin/env bash
# Installs a built bundle for the current user: the folder under ~/.local/lib, the
# command in ~/.local/bin, the menu entry and icons where desktops look for them.
#   bash packaging/linux/install-bundle.sh DIST/batch-studio     install
#   bash packaging/linux/install-bundle.sh --uninstall           remove again
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
icons=$(cd "$here/../../resources/icons" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/lib/batch-studio
app_id=io.github.batch_studio.BatchStudio

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$target" "$HOME/.local/bin/batch-studio" "$data/applications/$app_id.desktop" \
    "$data/metainfo/$app_id.metainfo.xml"
  find "$data/icons/hicolor" -name batch-studio.png -delete 2>/dev/null || true
  echo "Batch Studio removed (your settings, key and outputs are kept)."
  exit 0
fi
bundle=${1:?usage: install-bundle.sh DIST/batch-studio}
[ -x "$bundle/batch-studio" ] || { echo "$bundle holds no batch-studio executable" >&2; exit 2; }
mkdir -p "$HOME/.local/lib" "$HOME/.local/bin" "$data/applications" "$data/metainfo"
rm -rf "$target.new" && cp -a "$bundle" "$target.new" && rm -rf "$target" && mv "$target.new" "$target"
ln -sfn "$target/batch-studio" "$HOME/.local/bin/batch-studio"
install -m 644 "$here/$app_id.desktop" "$data/applications/$app_id.desktop"
install -m 644 "$here/$app_id.metainfo.xml" "$data/metainfo/$app_id.metainfo.xml"
for png in "$icons"/batch-studio-*.png; do
  size=${png##*-}; size=${size%.png}
  install -D -m 644 "$png" "$data/icons/hicolor/${size}x${size}/apps/batch-studio.png"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "Batch Studio installed: run batch-studio, or find it in the applications menu."
