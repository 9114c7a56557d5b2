#!/usr/bin/env bash
# Prints the path of a node binary of the major version the Docker image ships (its `FROM node:<major>`),
# installing it from the npm registry when needed: the package node-linux-<arch>@<major> carries the
# binary (about 190 MB). It goes to IMAGE_NODE_DIR, by default a cache outside the project
# (~/.cache/lightsail-reset/node<major>), so that npm run keeps using the machine's own node.
# Exits 1, with the reason on stderr, when no such binary can be had.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MAJOR="$(sed -n 's/^FROM node:\([0-9][0-9]*\).*/\1/p' "$ROOT/Dockerfile" | head -n 1)"
if [ -z "$MAJOR" ]; then
  echo "image-node: no 'FROM node:<major>' line in the Dockerfile" >&2
  exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$MAJOR" ]; then
  command -v node
  exit 0
fi
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "image-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
DIR="${IMAGE_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lightsail-reset/node$MAJOR}"
BIN="$DIR/node_modules/node-linux-$ARCH/bin/node"
if [ ! -x "$BIN" ]; then
  mkdir -p "$DIR"
  # Twice: the registry sometimes drops a download this large.
  npm install --no-audit --no-fund --no-save --prefix "$DIR" "node-linux-$ARCH@$MAJOR" >/dev/null 2>&1 \
    || npm install --no-audit --no-fund --no-save --prefix "$DIR" "node-linux-$ARCH@$MAJOR" >/dev/null 2>&1 \
    || { echo "image-node: could not install node-linux-$ARCH@$MAJOR from the registry" >&2; exit 1; }
fi
echo "$BIN"
