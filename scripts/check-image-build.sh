#!/usr/bin/env bash
# Runs the Dockerfile's build stage without Docker, in a temporary copy of the project, and checks
# what the runtime stage would receive:
#   - dist/main.js is there and dist/local (the test stand-ins) is not;
#   - no devDependency is left in node_modules;
#   - every file is readable by a non-root user (the image copies them owned by root);
#   - the image's start command, with an empty environment, reaches the configuration check:
#     it exits 1 with one line naming SLACK_BOT_TOKEN.
# Needs node and npm on PATH and access to the npm registry (npm ci). Takes a minute or two.
# BUILD_SOURCES, BUILD_COMMANDS and START_COMMAND must match the Dockerfile: the test
# test/integration/deploy/dockerfile.test.ts compares them.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# The build stage's COPY sources and RUN commands, in the Dockerfile's order.
BUILD_SOURCES=(package.json package-lock.json tsconfig.json src)
BUILD_COMMANDS=(
  "npm ci --no-audit --no-fund"
  "npm run build"
  "rm -rf dist/local"
  "npm prune --omit=dev"
)
# The runtime stage's CMD and ENV.
START_COMMAND=(node dist/main.js)
START_ENV=(NODE_ENV=production MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-semi-space-size=16)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lightsail-reset-image.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# docker build runs with umask 022: files get the same modes here.
umask 022

fail() {
  echo "check-image-build: FAIL: $*" >&2
  exit 1
}

echo "--- copying ${BUILD_SOURCES[*]} to $WORK (node $(node --version), npm $(npm --version))"
for source in "${BUILD_SOURCES[@]}"; do
  cp -R "$ROOT/$source" "$WORK/$source"
done

cd "$WORK"
for command in "${BUILD_COMMANDS[@]}"; do
  echo "--- RUN $command"
  bash -c "$command"
done

echo "--- checking the result"
[ -f dist/main.js ] || fail "dist/main.js is missing"
[ ! -e dist/local ] || fail "dist/local is still there"
echo "ok: dist/main.js present, dist/local absent"

# What npm marks "dev" in the lockfile is needed only for building and testing: the direct
# devDependencies (typescript, vitest, biome, tsx, ...) and whatever only they pull in. A devDependency
# that a production dependency also needs (@types/node, through @slack/*) is not marked and stays.
node -e '
  const { existsSync } = require("node:fs");
  const lock = require("./package-lock.json");
  const pkg = require("./package.json");
  const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path && entry.dev).map(([path]) => path);
  const direct = Object.keys(pkg.devDependencies ?? {}).filter((name) => devOnly.includes(`node_modules/${name}`));
  if (direct.length === 0) { console.error("no dev-only devDependency in the lockfile: nothing to check"); process.exit(1); }
  const left = devOnly.filter((path) => existsSync(path));
  if (left.length > 0) { console.error(`dev-only packages left: ${left.join(", ")}`); process.exit(1); }
  console.log(`ok: none of the ${devOnly.length} dev-only packages is in node_modules (devDependencies: ${direct.join(", ")})`);
' || fail "node_modules holds development packages"

unreadable="$(find dist node_modules package.json ! -perm -o=r -print -quit)"
[ -z "$unreadable" ] || fail "$unreadable is not readable by other users (the image runs as uid 1000)"
echo "ok: every file is readable by a non-root user"

echo "--- ${START_COMMAND[*]} with an empty environment (${START_ENV[*]})"
# env -i leaves no PATH, so the start command's "node" is given as a path.
[ "${START_COMMAND[0]}" = node ] || fail "START_COMMAND must start with node"
node_bin="$(command -v node)"
set +e
output="$(env -i "${START_ENV[@]}" "$node_bin" "${START_COMMAND[@]:1}" 2>&1 </dev/null)"
code=$?
set -e
echo "$output"
[ "$code" -eq 1 ] || fail "expected exit code 1, got $code"
lines="$(printf '%s\n' "$output" | grep -c .)" || true
[ "$lines" -eq 1 ] || fail "expected one line of output, got $lines"
[[ "$output" == *SLACK_BOT_TOKEN* ]] || fail "the line does not name SLACK_BOT_TOKEN"
echo "ok: the start command reached the configuration check (exit 1, one line naming SLACK_BOT_TOKEN)"

echo "--- runtime payload: dist $(du -sh dist | cut -f1), node_modules $(du -sh node_modules | cut -f1)"
echo "check-image-build: all checks passed"
