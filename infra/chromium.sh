#!/usr/bin/env bash
# Debian's Chromium for the web app's end-to-end tests, installed when missing (Playwright's
# own browser download cannot reach its hosts from these machines; see FACTS "Front end").
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing Debian's chromium for the end-to-end tests (about 80 MB)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
test -x "$chromium"
