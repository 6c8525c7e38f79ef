#!/usr/bin/env bash
# Run by `npm test` before vitest: the tests need two Debian packages, zstd (writes .jsonl.zst test shards) and chromium
# (renders report.html in a real browser). Installs whichever is missing with apt-get (as root, or with sudo).
set -euo pipefail
need=()
command -v zstd >/dev/null 2>&1 || need+=(zstd)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "proxysel tests need: ${need[*]} (Debian packages); installing with apt-get ..." >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "cannot install ${need[*]}: not root and no sudo; install them with apt-get, then run npm test again" >&2
    exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
