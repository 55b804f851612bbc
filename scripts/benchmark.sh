#!/usr/bin/env bash
# Runs the benchmarks and prints their figures (artifacts/benchmarks/*.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf artifacts/benchmarks
RUN_BENCHMARKS=1 dotnet test PostingConsole.Tests -c Release --filter "Category=Benchmark" --logger "console;verbosity=minimal" >/tmp/benchmark-test.log 2>&1 || { cat /tmp/benchmark-test.log; exit 1; }
cat artifacts/benchmarks/*.txt
