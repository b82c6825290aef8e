#!/usr/bin/env bash
# Everything the project checks: formatting, infrastructure, the portal, and every .NET test
# (unit, against Azurite, and in the browser; OpenApiDocumentTests also runs `redocly lint` on the
# app's /openapi/v1.json with redocly.yaml). Ends with the totals.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

install_tools

step "Browser (Debian chromium)"
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
if [[ -x /usr/bin/chromium ]]; then
  /usr/bin/chromium --version
elif [[ "${CI:-}" == "true" ]]; then
  echo "Chromium is missing and could not be installed; browser tests cannot run." >&2
  exit 1
else
  echo "Chromium is missing (install Debian's chromium package): the browser tests will fail." >&2
fi

step "dotnet restore"
dotnet restore Serverless.sln --nologo -v quiet

step "dotnet format --verify-no-changes"
dotnet format Serverless.sln --verify-no-changes --no-restore

step "bicep build and lint (infra/main.bicep)"
scripts/bicep.sh build infra/main.bicep --stdout >/dev/null
scripts/bicep.sh lint infra/main.bicep
scripts/bicep.sh check infra/main.bicep

step "Portal: type check, unit tests, build, bundle budgets"
# bundle-sizes fails when a page's first load is over its budget (public 50 KB, portal 120 KB gzipped).
(cd web && npm run typecheck && npm test 2>&1 | tee "$LOGS/web.log" && npm run build && npm run sizes)

step "dotnet build"
dotnet build Serverless.sln --no-restore --nologo -v quiet -clp:ErrorsOnly

step "dotnet test"
set +e
dotnet test Serverless.sln --no-build --nologo 2>&1 | tee "$LOGS/dotnet.log"
status=${PIPESTATUS[0]}
set -e

# Totals: vitest prints "Tests  N passed (N)" (or "N failed | N passed"); dotnet test one
# "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N" line per test project.
read -r web_passed web_failed < <(sed 's/\x1b\[[0-9;]*m//g' "$LOGS/web.log" | awk '/^ *Tests /{for(i=1;i<=NF;i++){if($(i+1) ~ /^passed/)p=$i; if($(i+1) ~ /^failed/)f=$i}} END{print p+0, f+0}')
read -r dn_passed dn_failed dn_skipped dn_projects < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/{f+=$2; p+=$4; s+=$6; n++} END{print p+0, f+0, s+0, n+0}' "$LOGS/dotnet.log")
expected_projects=$(grep -c 'Tests.csproj"' Serverless.sln || true)
if [[ "$dn_projects" -lt "$expected_projects" ]]; then
  echo "Only $dn_projects of $expected_projects test projects reported results." >&2
  status=1
fi

echo
echo "Portal unit tests: $web_passed passed, $web_failed failed"
echo ".NET tests ($dn_projects projects): $dn_passed passed, $dn_failed failed, $dn_skipped skipped"
echo "Totals: $((web_passed + dn_passed)) passed, $((web_failed + dn_failed)) failed, $dn_skipped skipped"
exit "$status"
