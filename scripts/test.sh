#!/usr/bin/env bash
# npm test: sets up what the tests need (Debian packages), checks the contract, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: real Prometheus, Alertmanager and NATS JetStream, openssl (test certificates), the Python gRPC runtime and protoc with its Python plugin, pip, venv and setuptools (the Python client built as a wheel offline), headless Chromium (the status page), Go with grpc-go and its protoc plugins (the Go example, built offline).
PACKAGES=(prometheus prometheus-alertmanager nats-server openssl python3-grpcio python3-protobuf python3-pip python3-venv python3-setuptools protobuf-compiler protobuf-compiler-grpc chromium golang-go golang-google-grpc-dev golang-google-protobuf-dev protoc-gen-go protoc-gen-go-grpc golang-github-golang-protobuf-1-5-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "test: missing Debian packages; install them first:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

bash scripts/check-proto.sh
npx tsc -p tsconfig.json --noEmit

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/faults/long/*' | sort)
fi
# --conditions=source: `import "vigil/client"` resolves to src/ (the package exports dist/ otherwise).
exec node --conditions=source --import tsx --test --test-concurrency=2 "${files[@]}"
