#!/usr/bin/env bash
# Runs the whole platform locally: Azurite (data under .data/), the mail inbox and the app.
# Ctrl-C stops all of them.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

APP_URL="http://localhost:7071"
PORTS=(10000 10001 10002 1025 1080 7071)

for port in "${PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use; stop whatever holds it (an earlier run?) and try again." >&2
    exit 1
  fi
done

install_tools
step "Building the portal"
(cd web && npm run build --silent)
step "Building the app"
dotnet build functions/Serverless.Functions -c Release --nologo -v quiet -clp:ErrorsOnly

mkdir -p .data/azurite .data/mail
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped."
}
trap cleanup INT TERM EXIT

wait_for_port() {
  local port="$1" name="$2"
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not start on port $port" >&2
  exit 1
}

step "Starting Azurite (data in .data/azurite)"
node scripts/azurite.cjs --location .data/azurite --silent --skipApiVersionCheck --loose --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
pids+=($!)
step "Starting the mail inbox"
node node_modules/maildev/dist/bin/maildev.js --smtp 1025 --web 1080 --ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory .data/mail --silent &
pids+=($!)
wait_for_port 10002 Azurite
wait_for_port 1080 maildev

step "Starting the app"
# The build output is the content root, so appsettings*.json and host.json are read from there.
(cd functions/Serverless.Functions/bin/Release/net10.0 &&
  ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$APP_URL" exec dotnet Serverless.Functions.dll) &
pids+=($!)
wait_for_port 7071 "The app"

cat <<INFO

  Portal        $APP_URL/
  API docs      $APP_URL/api/docs
  Health        $APP_URL/api/health
  Mail inbox    http://localhost:1080   (SMTP 127.0.0.1:1025)
  Storage       Azurite on 127.0.0.1:10000-10002, data in .data/azurite

Press Ctrl-C to stop everything.
INFO

# Whichever stops first (or Ctrl-C) stops the rest.
wait -n "${pids[@]}" || true
