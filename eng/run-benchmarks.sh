#!/usr/bin/env bash
# Runs the ShapeGen vs ONNX Runtime benchmarks (tests/ShapeGen.Benchmarks) in Release and prints the results.
#
#   eng/run-benchmarks.sh                      the full suite: every model, BenchmarkDotNet's default job
#   eng/run-benchmarks.sh --job short          quicker, less precise
#   eng/run-benchmarks.sh --filter '*Mnist*'   one model (a --filter given here replaces '*')
#
# Extra arguments go to BenchmarkDotNet. Reports land in BenchmarkDotNet.Artifacts/ at the repository root
# (gitignored): results/*-report-github.md is BenchmarkDotNet's GitHub markdown table, and
# results/ShapeGen-vs-OnnxRuntime.md the compact per-model table with the machine line.
# A full run takes about 10–20 minutes on 2 cores; keep the machine otherwise idle.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

args=("$@")
has_filter=false
for a in "${args[@]+"${args[@]}"}"; do
  case "$a" in --filter|-f|--filter=*) has_filter=true ;; esac
done
if [[ "$has_filter" == false ]]; then
  args=(--filter '*' "${args[@]+"${args[@]}"}")
fi

artifacts="$root/BenchmarkDotNet.Artifacts"
results="$artifacts/results"
mkdir -p "$artifacts"
marker="$artifacts/.run-started"
touch "$marker"

status=0
dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --artifacts "$artifacts" "${args[@]}" || status=$?

# Only this run's reports (older ones stay in the folder).
reports=()
if [[ -d "$results" ]]; then
  while IFS= read -r f; do reports+=("$f"); done < <(find "$results" -maxdepth 1 -name '*-report-github.md' -newer "$marker" | sort)
fi
if (( ${#reports[@]} > 0 )); then
  echo
  echo "=================== BenchmarkDotNet (GitHub markdown) ==================="
  for f in "${reports[@]}"; do
    echo
    echo "<!-- ${f#"$root/"} -->"
    cat "$f"
  done
fi
if [[ -f "$results/ShapeGen-vs-OnnxRuntime.md" && "$results/ShapeGen-vs-OnnxRuntime.md" -nt "$marker" ]]; then
  echo
  echo "=================== ShapeGen vs ONNX Runtime ==================="
  echo
  cat "$results/ShapeGen-vs-OnnxRuntime.md"
  echo "(files under ${results#"$root/"}/)"
fi
exit "$status"
