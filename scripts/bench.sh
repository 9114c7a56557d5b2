#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --only ack,...]: the benchmarks. Every process they start (the app,
# the baselines, the load generator) runs on the Node that runs this script, the machine's own by
# default. BENCH_NODE=image runs them on the Node major the Docker image ships (what production
# runs; fetched by scripts/image-node.sh); BENCH_NODE=/path/to/node on that binary.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_MACHINE_NODE="$(node --version)"
export BENCH_MACHINE_NODE
case "${BENCH_NODE:-}" in
  "") NODE_BIN="$(command -v node)" ;;
  image) NODE_BIN="$(bash scripts/image-node.sh)" ;;
  *) NODE_BIN="$BENCH_NODE" ;;
esac
exec "$NODE_BIN" --import tsx bench/run.ts "$@"
