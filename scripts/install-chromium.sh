#!/usr/bin/env bash
# Installs Debian's chromium for `npm run test:ui` (driven through playwright-core; no browser
# download from the Playwright CDN). Does nothing when /usr/bin/chromium exists already.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  echo "[install-chromium] $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
/usr/bin/chromium --version
