#!/usr/bin/env bash
# Install the Debian packages the app and its tests need (idempotent; apt runs only when one is missing).
#   app:   python3-venv for the virtualenv (a bare Debian has python3 without it), Pango + HarfBuzz subsetting for
#          WeasyPrint, a CJK font for the browser
#   tests: poppler-utils (pdftotext/pdftoppm), PostgreSQL, Chromium (browser tests and screenshots)
set -euo pipefail
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils postgresql chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
