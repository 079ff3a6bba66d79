#!/usr/bin/env bash
# One command for the benchmark: build release, start a server on a fresh data directory,
# create a tenant, load the token endpoint and the JWKS with gatehouse-bench, stop the server,
# and print openssl's one-core RSA-2048 signing rate for comparison.
# Extra arguments go to gatehouse-bench (e.g. --duration 30 --concurrency 64).
set -euo pipefail
cd "$(dirname "$0")/.."

http=127.0.0.1:18480
grpc=127.0.0.1:18481
cargo build --release --quiet -p gatehouse-cli -p gatehouse-bench

dir=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

target/release/gatehouse serve --data-dir "$dir/data" --http "$http" --grpc "$grpc" \
  --log-level warn &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://$http/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

created=$(target/release/gatehouse --core-url "http://$grpc" --data-dir "$dir/data" \
  tenant create bench --json)
field() { printf '%s' "$created" | grep -o "\"$1\":\"[^\"]*\"" | cut -d'"' -f4; }
client_id=$(field admin_client_id)

GATEHOUSE_BENCH_CLIENT_SECRET=$(field admin_client_secret) \
  target/release/gatehouse-bench all --url "http://$http" --client-id "$client_id" "$@"

printf '\nopenssl speed rsa2048 (one core):\n'
openssl speed -seconds 3 rsa2048 2>/dev/null | tail -2
