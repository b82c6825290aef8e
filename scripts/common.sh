# Shared by run.sh and test.sh: install what the repository's lock files pin, only when they changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# npm ci in a folder, skipped when node_modules already matches its package-lock.json.
npm_install() {
  local dir="$1" stamp
  stamp="$dir/node_modules/.lock-hash"
  local hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    return 0
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" >"$stamp"
}

install_tools() {
  command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
  command -v node >/dev/null || { echo "Node.js 20 is required (node not found)." >&2; exit 1; }
  step "Installing npm packages (Azurite, maildev, browser tools, portal)"
  npm_install "$ROOT"
  npm_install "$ROOT/web"
}
