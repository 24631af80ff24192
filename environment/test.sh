#!/usr/bin/env bash
# Restores tools and packages, builds, and runs every test (unit, simulator API via KubernetesClient and the real kubectl,
# chapter notebooks end to end on the simulator). Ends with one closing line: "Tests: N passed, N failed, N skipped".
# Arguments go to each `dotnet test` (e.g. --filter …); -c/--configuration also to the build.
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null || { echo "dotnet tool restore failed: check that NuGet is reachable"; exit 1; }
config=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -c|--configuration) config=(-c "${args[i+1]:-}") ;;
    -c=*|--configuration=*) config=(-c "${args[i]#*=}") ;;
  esac
done
dotnet build KubeLab.slnx --nologo "${config[@]}" || { echo "build failed"; exit 1; }
# The three test projects run at the same time: `dotnet test` on the solution ran them one after another (about 11 min in CI).
log=$(mktemp -d)
pids=()
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build --nologo "$@" > "$log/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$log"/*.log
# Each test project prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ..."; add them up.
read -r passed failed skipped < <(cat "$log"/*.log | grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' |
  awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {print p+0, f+0, s+0}')
rm -rf "$log"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no tests ran"; exit 1; fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
