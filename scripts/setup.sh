#!/usr/bin/env bash
# Bring this checkout to a runnable state: Debian packages, then the venv at .venv/.
# Idempotent: a second run checks, finds everything in place, and changes nothing.
#   scripts/setup.sh run    what the program needs
#   scripts/setup.sh test   what the test suite needs as well
set -euo pipefail
purpose=${1:-run}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
run_pkgs=(
  gcc libc6-dev swig libpcsclite-dev   # pyscard has no Linux wheel: it builds from source
  pcscd vsmartcard-vpcd                # PC/SC daemon and the virtual reader the 社保卡 emulator uses
  libusb-1.0-0                         # USB thermal printers (pyusb)
  fonts-noto-cjk                       # Chinese on screen and in the printer emulator's PNGs
  fonts-dejavu-core                    # Latin letters and digits of the desk's A4 PDFs (searchable)
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
  espeak-ng                            # voice calling (Mandarin)
  alsa-utils                           # aplay: the voice plays through ALSA (paplay if PulseAudio)
)
test_pkgs=(xvfb postgresql nsis      # nsis: makensis checks the Windows installer script
  poppler-utils                      # pdftoppm: look at the desk's receipt PDFs as pictures
  cups)                              # a private cupsd: the desk's A4 papers printed for real
pkgs=("${run_pkgs[@]}")
[ "$purpose" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
py=${PYTHON:-python3}
if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then missing+=(python3-venv); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all ${#pkgs[@]} present"
fi

# --- Python venv -----------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating the venv at .venv/ with $("$py" --version)"
  "$py" -m venv .venv
fi
extra=""; [ "$purpose" = test ] && extra="[test]"
hash=$(sha256sum pyproject.toml | cut -c1-16)
stamp=".venv/.installed-${hash}${extra:+-test}"
# A test install also satisfies a run install.
if [ ! -f "$stamp" ] && { [ -n "$extra" ] || [ ! -f ".venv/.installed-${hash}-test" ]; }; then
  say "installing Python packages into .venv/ (pip install -e .${extra})"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".${extra}"
  rm -f .venv/.installed-*
  touch "$stamp"
else
  say "Python packages: up to date (.venv/)"
fi

# --- translations: the faces' Chinese (.ts sources → .qm, loaded at start by ui/i18n.py) -----
for ts in resources/i18n/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    say "compiling translations: $ts → $qm (pyside6-lrelease)"
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
  fi
done
