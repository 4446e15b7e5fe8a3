#!/usr/bin/env bash
# Installs the Debian packages mynacard needs, when they are missing.
#   scripts/system-deps.sh runtime   fonts-ipamj-mincho (registered-name characters, MJ文字 and IVS)
#   scripts/system-deps.sh test      the runtime set + chromium (browser test) + poppler-utils (PDF checks)
# Runs apt-get directly as root, through sudo otherwise. Nothing else on the machine is changed.
set -euo pipefail
want=(fonts-ipamj-mincho)
if [[ "${1:-runtime}" == "test" ]]; then want+=(chromium poppler-utils); fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mynacard: this is not a Debian/Ubuntu system; install ${missing[*]} with your package manager" >&2
  exit 1
fi
sudo=()
if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
echo "mynacard: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/mynacard-apt.log 2>&1; then
  "${sudo[@]}" apt-get update -q >>/tmp/mynacard-apt.log 2>&1
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/mynacard-apt.log 2>&1 || {
    echo "mynacard: apt-get failed; see /tmp/mynacard-apt.log" >&2; exit 1; }
fi
