#!/usr/bin/env bash
# Runs the Bicep CLI without downloading it from anywhere but NuGet: the binary ships in the package
# Azure.Bicep.CommandLine.linux-x64, whose version is pinned in Directory.Packages.props. A restore-only
# project (infra/tools/Bicep.Tools.csproj, not part of Serverless.sln) brings it into the NuGet global
# packages folder the first time; later runs find it there.
#
#   scripts/bicep.sh build infra/main.bicep --stdout >/dev/null
#   scripts/bicep.sh lint infra/main.bicep
#   scripts/bicep.sh check infra/main.bicep   # build + lint; fails on any diagnostic, warnings included
#
# Any other arguments go to bicep unchanged.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package="Azure.Bicep.CommandLine.linux-x64"
project="$root/infra/tools/Bicep.Tools.csproj"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "bicep.sh: the pinned package $package runs on Linux x64 only, not $(uname -s) $(uname -m)." >&2
  exit 1
fi

version="$(sed -n "s/.*Include=\"$package\" Version=\"\([^\"]*\)\".*/\1/p" "$root/Directory.Packages.props")"
if [[ -z "$version" ]]; then
  echo "bicep.sh: no version of $package in Directory.Packages.props." >&2
  exit 1
fi

# Honours NUGET_PACKAGES and nuget.config, like the restore itself.
packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')"
bicep="${packages%/}/${package,,}/$version/tools/bicep"

if [[ ! -f "$bicep" ]]; then
  # Restore output goes to stderr so that `build --stdout` stays clean.
  dotnet restore "$project" --nologo --verbosity quiet >&2
fi
if [[ ! -f "$bicep" ]]; then
  echo "bicep.sh: restored $package $version but found no binary at $bicep." >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod +x "$bicep"

if [[ "${1:-}" == "check" ]]; then
  shift
  status=0
  for file in "$@"; do
    # Bicep exits 0 on warnings; here any diagnostic (a type it cannot check, an unused parameter) fails.
    diagnostics="$({ "$bicep" build "$file" --stdout >/dev/null; "$bicep" lint "$file"; } 2>&1)" || status=1
    if [[ -n "$diagnostics" ]]; then
      printf '%s\n' "$diagnostics" | sort -u >&2
      status=1
    fi
  done
  if [[ $status -eq 0 ]]; then
    echo "bicep: $# file(s) built and linted, no diagnostics."
  fi
  exit $status
fi

exec "$bicep" "$@"
