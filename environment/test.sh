#!/usr/bin/env bash
# Restores tools and packages, builds, and runs every test (unit, simulator API via KubernetesClient and the real kubectl,
# chapter notebooks end to end on the simulator). Ends with one closing line: "Tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed: check that NuGet is reachable"; exit 1; }
log=$(mktemp)
dotnet test KubeLab.slnx --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Each test project prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ..."; add them up.
read -r passed failed skipped < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {print p+0, f+0, s+0}')
rm -f "$log"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no tests ran"; exit 1; fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
