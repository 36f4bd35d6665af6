#!/usr/bin/env bash
# The test command of this repository (README "Quick start", and what .ci/run calls):
#   1. dotnet build + dotnet test ShapeGen.sln -c Release   (the samples must build; every test project runs)
#      then the forward-pass tests again through the kernels of the other vector widths: 256 and 128 bits (AVX-512 /
#      AVX2 turned off), or, on a machine without AVX-512, 128 bits and the 512-bit kernels run in software
#   2. eng/package-smoke-test.sh             (pack, consume from a new project outside the repo; counts as one test)
# Both always run. The output ends with a line "N passed, N failed"; the exit status is non-zero on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Plain console output: per-project "Passed! - Failed: 0, Passed: N" lines, and ShapeGen's build summaries.
export MSBUILDTERMINALLOGGER=off

logs="artifacts/test-logs"
mkdir -p "$logs"
rm -f "$logs"/crash-*
# A test host that dies in native code (GC, access violation) leaves a crash report here, summarised at the end.
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_EnableCrashReport=1
export DOTNET_DbgMiniDumpName="$PWD/$logs/crash-%p.dmp"
passed=0
failed=0
problems=()

finish() {
    local status=$?
    trap - EXIT
    echo
    if (( ${#problems[@]} > 0 )); then
        # CI shows only the end of this output: repeat which tests failed, and any crashed test host, down here.
        grep -hE '^[[:space:]]+Failed [A-Za-z]|Test host process crashed|Test Run Aborted|Fatal error|Stack overflow' \
            "$logs"/dotnet-test.log "$logs"/forward-*.log 2>/dev/null | sort -u | head -n 40 | sed 's/^[[:space:]]*/  /'
        for report in "$logs"/crash-*.crashreport.json; do
            [[ -e "$report" ]] || continue
            python3 eng/print-crash-reports.py "$report" 2>/dev/null | head -n 60 || echo "  crash report: $report"
            rm -f "${report%.crashreport.json}" # the dump itself: tens of MB, and the report says what CI can show
        done
        for problem in "${problems[@]}"; do echo "FAILED: $problem"; done
    fi
    if (( status == 0 && (failed > 0 || ${#problems[@]} > 0) )); then status=1; fi
    if (( status != 0 && failed == 0 )); then failed=1; fi
    echo "$passed passed, $failed failed"
    exit "$status"
}
trap finish EXIT

# ---- 1. the solution's tests ------------------------------------------------------------------------------------
# Test projects on disk must be in the solution, or `dotnet test ShapeGen.sln` would silently skip them.
test_projects=()
while IFS= read -r project; do test_projects+=("$project"); done < <(find tests -name '*.csproj' 2>/dev/null | sort)
for project in "${test_projects[@]}"; do
    if ! grep -qF "$(basename "$project")" ShapeGen.sln; then
        problems+=("$project is not in ShapeGen.sln (dotnet sln add $project)")
    fi
done

# Build the whole solution first: `dotnet test` alone builds only test projects, and the samples must compile too.
echo "== dotnet build ShapeGen.sln -c Release"
dotnet build ShapeGen.sln -c Release -tl:off 2>&1 | tee "$logs/dotnet-build.log"
build_status=${PIPESTATUS[0]}
if (( build_status != 0 )); then
    problems+=("dotnet build ShapeGen.sln exited with $build_status (see $logs/dotnet-build.log)")
fi

echo
echo "== dotnet test ShapeGen.sln -c Release"
dotnet test ShapeGen.sln -c Release -tl:off 2>&1 | tee "$logs/dotnet-test.log"
test_status=${PIPESTATUS[0]}

# VSTest: "Passed!  - Failed:     0, Passed:   123, Skipped: ..." (or "Failed!  - ..."), one line per test assembly.
# count_results LOG: adds the log's counts to passed/failed and sets results to the number of such lines.
count_results() {
    results=0
    local line f p
    while IFS= read -r line; do
        f="$(sed -E 's/.*Failed:[[:space:]]*([0-9]+),.*/\1/' <<< "$line")"
        p="$(sed -E 's/.*Passed:[[:space:]]*([0-9]+),.*/\1/' <<< "$line")"
        failed=$((failed + f))
        passed=$((passed + p))
        results=$((results + 1))
    done < <(grep -E '(Passed|Failed)![[:space:]]+-[[:space:]]+Failed:[[:space:]]*[0-9]+,[[:space:]]+Passed:[[:space:]]*[0-9]+,' "$1")
}
count_results "$logs/dotnet-test.log"

if (( test_status != 0 )); then
    problems+=("dotnet test ShapeGen.sln exited with $test_status (see $logs/dotnet-test.log)")
    # A build error runs no test: count it, so the summary line is never "0 failed" for a red run.
    if (( results == 0 )); then failed=$((failed + 1)); fi
elif (( ${#test_projects[@]} > 0 && results == 0 )); then
    problems+=("dotnet test reported no test results although ${test_projects[*]} exist")
    failed=$((failed + 1))
elif (( ${#test_projects[@]} == 0 )); then
    echo "note: no test projects under tests/ yet; dotnet test ran on the solution and found none"
fi

# ---- 1b. the forward-pass tests on every vector width ------------------------------------------------------------
# Generated networks carry Vector512, Vector256 and Vector128 kernels and the JIT keeps the widest one the CPU runs.
# On an AVX-512 machine only the 512-bit kernels ran above; turning the wider instruction sets off runs the same
# numeric tests (conformance, random networks, parallel splits) through the 256-bit and then the 128-bit kernels.
# On a machine without AVX-512 the 256-bit kernels are the ones that ran above, and the 512-bit kernels run here in
# software instead (tests/ShapeGen.Tests/Infrastructure/SoftwareVector512.cs: the test compilations choose them, and
# .NET emulates the instructions lane by lane).
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    widths=("256:DOTNET_EnableAVX512=0" "128:DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0")
else
    widths=("128:DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0" "512:SHAPEGEN_TEST_SOFTWARE_VECTOR512=1")
fi
if (( build_status == 0 )); then
    for width in "${widths[@]}"; do
        bits="${width%%:*}"
        echo
        echo "== forward-pass tests with ${bits}-bit kernels (${width#*:})"
        env ${width#*:} dotnet test tests/ShapeGen.Tests -c Release --no-build -tl:off \
            --filter "FullyQualifiedName~ShapeGen.Tests.Forward" 2>&1 | tee "$logs/forward-${bits}.log"
        width_status=${PIPESTATUS[0]}
        count_results "$logs/forward-${bits}.log"
        if (( width_status != 0 || results == 0 )); then
            problems+=("forward-pass tests with ${bits}-bit vectors (see $logs/forward-${bits}.log)")
            if (( results == 0 )); then failed=$((failed + 1)); fi
        fi
    done
fi

# ---- 2. the package smoke test ----------------------------------------------------------------------------------
echo
echo "== eng/package-smoke-test.sh"
bash eng/package-smoke-test.sh 2>&1 | tee "$logs/package-smoke-test.log"
smoke_status=${PIPESTATUS[0]}
if (( smoke_status == 0 )); then
    passed=$((passed + 1))
else
    problems+=("package smoke test (see $logs/package-smoke-test.log)")
    failed=$((failed + 1))
fi
