#!/usr/bin/env bash
# A headless Chromium screenshot of a release's index.html, to look at its charts.
#
#   scripts/screenshot-release.sh [RELEASE_DIR] [OUT.png]   (default OUT: /tmp/juesuan-release.png)
#
# Without RELEASE_DIR, builds a synthetic multi-year demo release first (scripts/demo_release.py,
# in a temporary folder), because the bundled samples have one year per department. Needs the
# Debian package chromium (apt-get install -y chromium); the page loads nothing from the network,
# and Chromium is pointed at a dead proxy so that any request it tried would fail.
set -euo pipefail
cd "$(dirname "$0")/.."
release="${1:-}"
out="${2:-${TMPDIR:-/tmp}/juesuan-release.png}"
if [[ -z "$release" ]]; then
  demo="$(mktemp -d)"
  release="$(.venv/bin/python scripts/demo_release.py "$demo" | tail -n 1)"
fi
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
  echo "no chromium: apt-get install -y chromium" >&2
  exit 1
fi
page="$(realpath "$release")/index.html"
out="$(realpath -m "$out")"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --proxy-server="127.0.0.1:9" --proxy-bypass-list="<-loopback>" \
  --window-size=1280,"${HEIGHT:-3200}" --screenshot="$out" "file://$page" >/dev/null 2>&1
echo "$out"
