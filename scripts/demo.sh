#!/usr/bin/env bash
# npm run demo: install if needed, build, and play the flow on local stand-ins (no Slack, no AWS).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsc ]; then
  echo "Installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi
npm run --silent build
exec node dist/local/demo.js
