#!/usr/bin/env bash
# Runs every test of PostingConsole. Installs what the tests need on a fresh Debian machine first.
# --quick: the inner loop, every test but the system tests (browsers, the single-file install, several console processes,
# PostgreSQL scale-out and the PostgreSQL pass); it needs nothing installed. CI (.ci/run) runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--quick" ]; then
  export DOTNET_TieredPGO=0
  unset POSTING_TEST_DATABASE
  exec dotnet test PostingConsole.Tests -c Release --logger "console;verbosity=minimal" \
    --filter "FullyQualifiedName!~.Browser.&FullyQualifiedName!~.Install.&FullyQualifiedName!~.ScaleOut.&FullyQualifiedName!~TwoProcessTests&Category!=Benchmark&Database!=Postgres"
fi

# Browser tests drive Debian's Chromium (never a downloaded browser build).
# Fonts so screenshots show Korean and the status emoji.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# (grep reads all of fc-list's output: with -q it would stop early, fc-list would die of SIGPIPE, and pipefail
# would take that for a missing font, reinstalling it on every run.)
fonts=$(fc-list 2>/dev/null || true)
grep -i "Noto Sans CJK" <<<"$fonts" >/dev/null || missing+=(fonts-noto-cjk)
grep -i "Noto Color Emoji" <<<"$fonts" >/dev/null || missing+=(fonts-noto-color-emoji)
# The PostgreSQL tests start a throw-away cluster of their own (PostgresServer): they need the server binaries.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages for the browser tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet tool restore >/dev/null
# The suite starts hundreds of short-lived hosts: the runtime's profile-guided re-compilation (an instrumented tier, then
# a third) is work that never pays back in a process that lives minutes. Off for the test run only (a third less CPU).
export DOTNET_TieredPGO=0
log=$(mktemp)
set +e
dotnet test PostingConsole.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log" | grep -vE '^\s+Passed '
status=${PIPESTATUS[0]}
# The same engine, never-twice, API, webhook and operations tests again on PostgreSQL (Database:Provider=Postgres).
echo "Again on PostgreSQL: engine, never-twice, API, webhooks, operations"
POSTING_TEST_DATABASE=Postgres dotnet test PostingConsole.Tests -c Release --no-build --logger "console;verbosity=normal" \
  --filter "(FullyQualifiedName~PostingConsole.Tests.Worker|FullyQualifiedName~PostingConsole.Tests.Publishing|FullyQualifiedName~PostingConsole.Tests.Readiness|FullyQualifiedName~PostingConsole.Tests.Insights|FullyQualifiedName~PostingConsole.Tests.Slots|FullyQualifiedName~PostingConsole.Tests.Api|FullyQualifiedName~PostingConsole.Tests.Notifications|FullyQualifiedName~PostingConsole.Tests.Operations)&Database!=SqliteOnly&Database!=Postgres" \
  2>&1 | tee -a "$log" | grep -vE '^\s+Passed '
postgres_status=${PIPESTATUS[0]}
set -e

count() { awk -v key="$1" '{ for (i = 1; i < NF; i++) if ($i == key":") s += $(i+1) } END { print s + 0 }' "$log"; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped (both passes)"
[ "$status" -ne 0 ] && exit "$status"
exit "$postgres_status"
