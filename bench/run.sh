#!/usr/bin/env bash
# Runs every benchmark (one command). Needs wrk (Debian package wrk) for the SOAP benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk missing (apt-get install wrk)" >&2; exit 1; }
node --import tsx bench/soap-device-info.ts "${SOAP_SECONDS:-10}" "${SOAP_CONNECTIONS:-32}"
# Resource query (IEC 62676-2-33 §7): 100,000 resources through one pull point, then a 1 % LocationFilter.
node --import tsx bench/resource-query.ts synthetic
node --import tsx bench/resource-query.ts cameras
