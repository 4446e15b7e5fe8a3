#!/usr/bin/env bash
# Installs the Debian packages mynacard needs, when they are missing.
#   scripts/system-deps.sh runtime   fonts-ipamj-mincho (registered-name characters, MJ文字 and IVS)
#   scripts/system-deps.sh test      the runtime set + chromium (browser test) + poppler-utils (PDF checks)
#   scripts/system-deps.sh venv PY   pythonX.Y-venv when the interpreter PY cannot make a virtual
#                                    environment with pip (Debian and Ubuntu ship venv's ensurepip
#                                    apart from python3: `python3 -m venv` fails there until it is in)
# Runs apt-get directly as root, through sudo otherwise. Nothing else on the machine is changed.
set -euo pipefail
mode=${1:-runtime}
# venv mode: can the interpreter make a virtual environment with pip?
can_make_venv() { "$py" -c 'import ensurepip, venv' 2>/dev/null; }
case "$mode" in
  runtime) want=(fonts-ipamj-mincho) ;;
  test) want=(fonts-ipamj-mincho chromium poppler-utils) ;;
  venv)
    py=${2:-python3}
    if ! command -v "$py" >/dev/null 2>&1; then
      echo "mynacard: no Python interpreter '$py': install Python 3.11 or newer (or make ... PYTHON=/path/to/python3)" >&2
      exit 1
    fi
    ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "mynacard needs Python 3.11 or newer; $py is $ver. Install a newer one (on Debian/Ubuntu:" \
        "apt-get install python3.11 python3.11-venv, or python3.12 ...) and run make with PYTHON=python3.11" >&2
      exit 1
    fi
    can_make_venv && exit 0
    want=("python${ver}-venv") ;;
  *) echo "usage: scripts/system-deps.sh runtime|test|venv PYTHON" >&2; exit 2 ;;
esac
# venv: after the package, the interpreter must be able to make the environment (a Python built
# without ensurepip, outside Debian's packages, gets a clear message instead of venv's)
venv_ready() {
  [[ "$mode" != venv ]] && return 0
  can_make_venv && return 0
  echo "mynacard: $py cannot create a virtual environment with pip (no ensurepip);" \
    "use another Python 3.11+ (make ... PYTHON=/path/to/python3)" >&2
  return 1
}
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then venv_ready; exit; fi
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
venv_ready
