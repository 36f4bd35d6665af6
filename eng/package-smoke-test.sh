#!/usr/bin/env bash
# Package smoke test: what a user gets from `dotnet add package ShapeGen`.
#
#   1. packs src/ShapeGen (Release) into a fresh local feed folder;
#   2. creates a new console project in a temp dir outside the repository and adds ShapeGen from that folder only
#      (package source mapping pins ShapeGen to it; a per-run NUGET_PACKAGES means no stale cached copy is used);
#   3. declares the Keras MNIST convnet and checks that
#      - the build prints the summary table ("Total params: 93,322"),
#      - running the program prints the summary and ParameterCount 93322,
#      - the consumer has no dependency on Microsoft.CodeAnalysis,
#      - a broken stack (Conv2D after Flatten) fails the build with SG0007 at the attribute's file(line,col),
#      - <ShapeGenPrintSummary>false</ShapeGenPrintSummary> suppresses the table.
#
# Usage: eng/package-smoke-test.sh            (SHAPEGEN_SMOKE_KEEP=1 keeps the temp dir for inspection)
# Exit status: 0 when every check passes; otherwise non-zero with a "SMOKE TEST FAILED: ..." line.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${SHAPEGEN_SMOKE_CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDTERMINALLOGGER=off

work="$(mktemp -d "${TMPDIR:-/tmp}/shapegen-smoke.XXXXXX")"
case "$work" in "$repo"/*) echo "SMOKE TEST FAILED: temp dir $work is inside the repository" >&2; exit 1 ;; esac
cleanup() {
    if [[ "${SHAPEGEN_SMOKE_KEEP:-}" == "1" ]]; then echo "smoke: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

started=$SECONDS
step() { echo; echo "== smoke: $* ($((SECONDS - started)) s)"; }
fail() {
    echo >&2
    echo "SMOKE TEST FAILED: $*" >&2
    exit 1
}
# Shows the end of a log after a failed check, so CI output says why.
show() { echo "---- last lines of $1 ----" >&2; tail -n "${2:-40}" "$1" >&2; echo "----" >&2; }

feed="$work/feed"
app="$work/SmokeApp"
mkdir -p "$feed"

# ---------------------------------------------------------------------------------------------------------------
step "packing src/ShapeGen ($configuration) into $feed"
if ! dotnet pack "$repo/src/ShapeGen" -c "$configuration" -o "$feed" -tl:off -nologo > "$work/pack.log" 2>&1; then
    show "$work/pack.log"; fail "dotnet pack src/ShapeGen failed"
fi
shopt -s nullglob
packages=("$feed"/ShapeGen.*.nupkg)
shopt -u nullglob
[[ ${#packages[@]} -eq 1 ]] || fail "expected one ShapeGen.*.nupkg in $feed, found ${#packages[@]}"
nupkg="${packages[0]}"
version="$(basename "$nupkg" .nupkg)"; version="${version#ShapeGen.}"
echo "package: $(basename "$nupkg") (version $version)"

contents="$(unzip -Z1 "$nupkg")"
for entry in lib/net8.0/ShapeGen.dll lib/net8.0/ShapeGen.xml analyzers/dotnet/cs/ShapeGen.Generators.dll \
             build/ShapeGen.props build/ShapeGen.targets buildTransitive/ShapeGen.props buildTransitive/ShapeGen.targets README.md; do
    grep -qx "$entry" <<< "$contents" || fail "the package lacks $entry (it has: $(tr '\n' ' ' <<< "$contents"))"
done
if grep -qi 'CodeAnalysis' <<< "$contents"; then fail "the package ships Microsoft.CodeAnalysis files: $(grep -i CodeAnalysis <<< "$contents" | tr '\n' ' ')"; fi
if unzip -p "$nupkg" ShapeGen.nuspec | grep -q '<dependency '; then
    fail "the package declares dependencies: $(unzip -p "$nupkg" ShapeGen.nuspec | grep '<dependency ')"
fi

# ---------------------------------------------------------------------------------------------------------------
step "creating a console project in $app"
# Stop MSBuild's upward search for Directory.Build.* at the temp dir, so nothing of the machine's leaks in.
printf '<Project />\n' > "$work/Directory.Build.props"
printf '<Project />\n' > "$work/Directory.Build.targets"
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="shapegen-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="shapegen-local">
      <package pattern="ShapeGen" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
EOF
# A global packages folder of this run only: a ShapeGen $version cached by an earlier run cannot be picked up.
export NUGET_PACKAGES="$work/nuget-packages"

if ! (cd "$work" && dotnet new console -n SmokeApp -o "$app" --no-restore) > "$work/new.log" 2>&1; then
    show "$work/new.log"; fail "dotnet new console failed"
fi
if ! (cd "$app" && dotnet add package ShapeGen --version "$version" --source "$feed") > "$work/add.log" 2>&1; then
    show "$work/add.log"; fail "dotnet add package ShapeGen --source $feed failed"
fi
grep -q 'Include="ShapeGen"' "$app/SmokeApp.csproj" || fail "SmokeApp.csproj has no PackageReference to ShapeGen"
[[ -d "$NUGET_PACKAGES/shapegen/$version" ]] || fail "ShapeGen $version was not restored into the per-run packages folder"

cat > "$app/Program.cs" <<'EOF'
using ShapeGen;

Console.WriteLine(MnistConvNet.Summary);
Console.WriteLine($"ParameterCount: {MnistConvNet.ParameterCount}");
Console.WriteLine($"OutputShape: ({string.Join(", ", MnistConvNet.OutputShape.ToArray())})");
return MnistConvNet.ParameterCount == 93_322 ? 0 : 1;

/// <summary>The Keras MNIST convnet.</summary>
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[Flatten]
[Dense(64, Activation = Activation.Relu)]
[Dense(10, Activation = Activation.Softmax)]
public partial class MnistConvNet;
EOF

# ---------------------------------------------------------------------------------------------------------------
step "building the consumer (the summary must be in the build output)"
if ! (cd "$app" && dotnet build -tl:off -nologo) > "$work/build.log" 2>&1; then
    show "$work/build.log"; fail "the consumer project did not build"
fi
grep -q 'Model: "MnistConvNet"' "$work/build.log" || { show "$work/build.log"; fail "the build output has no 'Model: \"MnistConvNet\"' summary"; }
grep -q 'Total params: 93,322' "$work/build.log" || { show "$work/build.log"; fail "the build output lacks 'Total params: 93,322'"; }
echo "build printed the summary:"
grep -E 'Model: "MnistConvNet"|Total params' "$work/build.log" | sed 's/^/    /'

if grep -qi '"Microsoft.CodeAnalysis' "$app/obj/project.assets.json"; then
    fail "the consumer depends on Microsoft.CodeAnalysis (see $app/obj/project.assets.json)"
fi
echo "no Microsoft.CodeAnalysis in the consumer's project.assets.json"

# ---------------------------------------------------------------------------------------------------------------
step "running the consumer"
if ! (cd "$app" && dotnet run --no-build) > "$work/run.log" 2>&1; then
    show "$work/run.log"; fail "the consumer program failed (ParameterCount should be 93322)"
fi
grep -q 'Total params: 93,322' "$work/run.log" || { show "$work/run.log"; fail "the program did not print the summary"; }
grep -q 'ParameterCount: 93322' "$work/run.log" || { show "$work/run.log"; fail "the program did not print ParameterCount: 93322"; }
grep -q 'OutputShape: (10)' "$work/run.log" || { show "$work/run.log"; fail "the program did not print OutputShape: (10)"; }
echo "run printed the summary, ParameterCount 93322 and OutputShape (10)"

# ---------------------------------------------------------------------------------------------------------------
step "a broken stack (Conv2D after Flatten) must fail the build with SG0007 at the attribute"
cat > "$app/Broken.cs" <<'EOF'
using ShapeGen;

[Input(28, 28, 1)]
[Flatten]
[Conv2D(8, 3)]
public partial class BrokenNet;
EOF
line="$(grep -n '^\[Conv2D' "$app/Broken.cs" | cut -d: -f1)"
if (cd "$app" && dotnet build -tl:off -nologo) > "$work/broken.log" 2>&1; then
    show "$work/broken.log"; fail "the build with a Conv2D after Flatten succeeded; expected error SG0007"
fi
# The attribute inside '[...]' starts at column 2.
pattern="Broken\\.cs\\($line,2\\): error SG0007:"
grep -Eq "$pattern" "$work/broken.log" || { show "$work/broken.log"; fail "expected 'Broken.cs($line,2): error SG0007:' in the build output"; }
echo "build failed as expected:"
grep -E "$pattern" "$work/broken.log" | head -n 1 | sed 's/^/    /'
rm "$app/Broken.cs"

# ---------------------------------------------------------------------------------------------------------------
step "<ShapeGenPrintSummary>false</ShapeGenPrintSummary> must suppress the table"
sed -i 's|</PropertyGroup>|  <ShapeGenPrintSummary>false</ShapeGenPrintSummary>\n  </PropertyGroup>|' "$app/SmokeApp.csproj"
grep -q '<ShapeGenPrintSummary>false</ShapeGenPrintSummary>' "$app/SmokeApp.csproj" || fail "could not set ShapeGenPrintSummary in SmokeApp.csproj"
if ! (cd "$app" && dotnet build -tl:off -nologo) > "$work/quiet.log" 2>&1; then
    show "$work/quiet.log"; fail "the build with ShapeGenPrintSummary=false failed"
fi
if grep -q 'Total params' "$work/quiet.log"; then show "$work/quiet.log"; fail "ShapeGenPrintSummary=false still printed the summary"; fi
echo "no summary in the build output"

echo
echo "SMOKE TEST PASSED: ShapeGen $version from a local feed ($((SECONDS - started)) s)"
