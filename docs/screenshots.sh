#!/usr/bin/env bash
# Makes docs/screenshots/*.png from the real program: the e2e harness drives
# the built binary in a pseudo terminal and saves screens as ANSI text, and
# charmbracelet/freeze draws them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ONBOARD_SCREENSHOTS="$tmp" go test -count=1 -run TestScreenshots ./e2e
command -v freeze >/dev/null || go install github.com/charmbracelet/freeze@v0.2.2
freeze=$(command -v freeze || echo "$(go env GOPATH)/bin/freeze")
for f in "$tmp"/*.ansi; do
  name=$(basename "$f" .ansi)
  "$freeze" --language ansi --window --padding 20 --margin 0 --font.size 14 \
    --output "$out/$name.png" < "$f"
done
ls -l "$out"
