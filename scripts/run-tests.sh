#!/usr/bin/env bash
# Runs the test files (all, or those given) with node's test runner, TypeScript through tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
exec node --import tsx --test --test-reporter=spec --test-concurrency=2 --test-timeout=180000 "${files[@]}"
