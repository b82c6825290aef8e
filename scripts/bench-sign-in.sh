#!/usr/bin/env bash
# Times POST /api/auth/sign-in for a registered and for unknown addresses against a running app
# (scripts/run.sh) and prints the medians, which should be the same: the answer must not tell
# whether an address is registered. Usage: scripts/bench-sign-in.sh [registered address]
# Every request counts against the per-client limit (60 per 15 minutes by default); for more
# rounds start the app with RateLimits__PerClientPermits=1000. The registered address receives
# at most 3 sign-in emails per 15 minutes, however many rounds run.
set -euo pipefail
URL="${APP_URL:-http://localhost:7071}"
REGISTERED="${1:-admin@innovation.localhost}"
ROUNDS="${ROUNDS:-25}"

jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
token="$(curl -sf -c "$jar" -b "$jar" "$URL/api/auth/antiforgery" | sed -E 's/.*"token":"([^"]+)".*/\1/')"

# Prints "status seconds" for one request.
time_one() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -b "$jar" -H "X-XSRF-TOKEN: $token" \
    -H 'Content-Type: application/json' -d "{\"email\":\"$1\"}" "$URL/api/auth/sign-in"
}

summary() {
  sort -k2 -n | awk '{ s[NR] = $2; if ($1 != 202) other++ }
    END { m = (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2;
          printf "median %.1f ms over %d requests, %d not 202\n", m * 1000, NR, other }'
}

# Warm up both paths once, then alternate so both see the same load.
time_one "$REGISTERED" >/dev/null
time_one "warm-up-$RANDOM@example.invalid" >/dev/null
known=()
unknown=()
for _ in $(seq 1 "$ROUNDS"); do
  known+=("$(time_one "$REGISTERED")")
  unknown+=("$(time_one "nobody-$RANDOM$RANDOM@example.invalid")")
done
echo "registered ($REGISTERED): $(printf '%s\n' "${known[@]}" | summary)"
echo "unknown addresses:        $(printf '%s\n' "${unknown[@]}" | summary)"
