#!/usr/bin/env bash
# Runs every benchmark (one command). Needs wrk (Debian package wrk) for the SOAP benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk missing (apt-get install wrk)" >&2; exit 1; }
# The SOAP benchmark runs the built executable (bin/vigil.js → dist/), as users run it.
npm run build --silent
node --import tsx bench/soap-device-info.ts "${SOAP_SECONDS:-5}" "${SOAP_CONNECTIONS:-32}"
# Resource query (IEC 62676-2-33 §7): 100,000 resources through one pull point, then a 1 % LocationFilter.
node --import tsx bench/resource-query.ts synthetic
node --import tsx bench/resource-query.ts cameras
# RTSP fan-out: one ~4 Mbit/s H.264 stream to N RTSP/TCP readers, Vigil vs gst-rtsp-server (ffmpeg,
# python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good/bad).
node --import tsx bench/rtsp-fanout.ts "${FANOUT_SECONDS:-10}" "${FANOUT_MAX_READERS:-2000}" "${FANOUT_ROUNDS:-1}"
