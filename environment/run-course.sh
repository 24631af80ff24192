#!/usr/bin/env bash
# Runs every chapter notebook headless: on the kind cluster k8s-course when it answers, else on the embedded simulator.
# Executed notebooks and chart HTML land in artifacts/. Extra arguments go to `kubelab run` (e.g. --cluster sim 02-replicasets).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build lib/KubeLab.Cli --nologo -v quiet -clp:ErrorsOnly
exec dotnet run --no-build --project lib/KubeLab.Cli -- run "$@"
