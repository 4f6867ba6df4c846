#!/usr/bin/env bash
# The test command (README): installs the test peers it needs, then type-checks, lints and runs
# every unit, interop and property test. Works on a fresh Debian machine as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the interop tests drive: command → package.
declare -A PEERS=(
  [xmllint]=libxml2-utils
  [openssl]=openssl
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [gst-launch-1.0]=gstreamer1.0-tools
)
# Packages detected by file rather than command.
declare -A PEER_FILES=(
  [/usr/lib/python3/dist-packages/zeep/__init__.py]=python3-zeep
  [/usr/lib/python3/dist-packages/gi/__init__.py]=python3-gi
)
EXTRA_PKGS=(gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav gir1.2-gst-rtsp-server-1.0)

missing=()
for cmd in "${!PEERS[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${PEERS[$cmd]}"); done
for f in "${!PEER_FILES[@]}"; do [ -e "$f" ] || missing+=("${PEER_FILES[$f]}"); done
for p in "${EXTRA_PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing Debian test peers: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test: missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

echo "test: installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

echo "test: type-check"
npx tsc --noEmit -p tsconfig.json
echo "test: lint"
npx eslint --max-warnings=0 .
echo "test: build"
npm run -s build

bash scripts/run-tests.sh "$@"
