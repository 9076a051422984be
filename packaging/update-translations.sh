#!/usr/bin/env bash
# Collects every tr()/translate() string into the .ts catalogues, then compiles the .qm files
# the app loads. Run after changing interface text; then translate what Qt Linguist
# (pyside6-linguist resources/translations/batch_studio_ko.ts) shows as unfinished.
#   bash packaging/update-translations.sh           update .ts and .qm
#   bash packaging/update-translations.sh --release only compile .ts -> .qm
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PYSIDE_BIN:-.venv/bin}
DIR=resources/translations
mapfile -t SOURCES < <(find app -name '*.py' -not -path '*/bench/*' | sort)
if [ "${1:-}" != "--release" ]; then
  # English only needs its plural forms ("1 job", "2 jobs"); Korean needs every string.
  "$BIN/pyside6-lupdate" -locations none -no-obsolete -source-language en -target-language en \
    -pluralonly "${SOURCES[@]}" -ts "$DIR/batch_studio_en.ts"
  "$BIN/pyside6-lupdate" -locations none -no-obsolete -source-language en -target-language ko \
    "${SOURCES[@]}" -ts "$DIR/batch_studio_ko.ts"
fi
for ts in "$DIR"/*.ts; do
  "$BIN/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
