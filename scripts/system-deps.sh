#!/usr/bin/env bash
# Install the system packages the build needs, or say exactly how to.
#   scripts/system-deps.sh            packages for building handouts
#   scripts/system-deps.sh --test     plus what the tests need (Chromium for the download page,
#                                     redis-server for the queue tests, which start their own)
#   scripts/system-deps.sh --bench    plus wrk, for bench/service.py
# Fast when everything is present: one dpkg-query, no network.
set -euo pipefail

BUILD_PKGS=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
            fonts-noto-core fonts-noto-cjk poppler-utils argyll icc-profiles-free)
# argyll, icc-profiles-free: colprof makes the print-shop FOGRA39 profile from Fogra's data
# gettext: msgfmt --check on every catalog; ghostscript: renders print-shop PDFs;
# redis-server: the queue tests start their own (tests)
TEST_PKGS=(chromium nodejs gettext ghostscript redis-server)
FEDORA="sudo dnf install -y python3 pango harfbuzz fontconfig poppler-utils redis google-noto-sans-fonts google-noto-naskh-arabic-fonts google-noto-sans-cjk-fonts google-noto-sans-ethiopic-fonts google-noto-sans-devanagari-fonts google-noto-sans-gurmukhi-fonts google-noto-sans-gujarati-fonts google-noto-sans-bengali-fonts google-noto-sans-georgian-fonts google-noto-sans-myanmar-fonts gettext ghostscript chromium"
MACOS="brew install python@3.12 pango harfbuzz fontconfig poppler gettext ghostscript redis && brew install --cask font-noto-sans font-noto-naskh-arabic font-noto-sans-cjk font-noto-sans-ethiopic font-noto-sans-devanagari font-noto-sans-gurmukhi font-noto-sans-gujarati font-noto-sans-bengali font-noto-sans-georgian font-noto-sans-myanmar chromium"

BENCH_PKGS=(wrk)   # bench/service.py's load test

pkgs=("${BUILD_PKGS[@]}")
[[ "${1:-}" == "--test" ]] && pkgs+=("${TEST_PKGS[@]}")
[[ "${1:-}" == "--bench" ]] && pkgs+=("${TEST_PKGS[@]}" "${BENCH_PKGS[@]}")

explain() {
  cat >&2 <<MSG
Missing system packages: $*
Install them, then run make again:
  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${pkgs[*]}
  Fedora:        $FEDORA
  macOS:         $MACOS
MSG
  exit 1
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: check what we can see (fonts and Pango), and explain the rest.
  missing=()
  command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
  if command -v fc-list >/dev/null 2>&1; then
    for fam in "Noto Sans" "Noto Naskh Arabic" "Noto Sans CJK SC"; do
      fc-list : family | grep -q "$fam" || missing+=("font:$fam")
    done
  fi
  ((${#missing[@]} == 0)) || explain "${missing[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  # python3-venv matters only for Debian's own python3; a Python with ensurepip needs nothing.
  if [[ $p == python3-venv ]] && python3 -c "import ensurepip" 2>/dev/null; then continue; fi
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done

# Debian's nodejs comes without npm (NodeSource's includes it): the tests need npm for axe-core.
if [[ "${1:-}" == "--test" ]] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n);
else explain "${missing[@]}"; fi
echo "Installing system packages: ${missing[*]}" >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
