#!/usr/bin/env bash
# Generates the Go stubs of proto/vigil/v1 into clients/go/vigilv1 (import path vigil/clients/go/vigilv1,
# package vigilv1), with Debian's protoc 3.21 and its Go plugins:
#   apt-get install -y protobuf-compiler protoc-gen-go protoc-gen-go-grpc
# The stubs are committed; run this after changing a .proto file. With an argument, writes them into
# that directory instead (test/integration/go-client.test.ts compares such a fresh copy with the
# committed one and fails when they differ).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/clients/go/vigilv1"}
module=vigil/clients/go
# The import path is given here (M options) rather than as go_package options in the .proto files, so
# the contract stays free of any one language's layout.
maps=""
for f in "$root"/proto/vigil/v1/*.proto; do maps="$maps,Mvigil/v1/$(basename "$f")=$module/vigilv1;vigilv1"; done
maps=${maps#,}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Relative paths, so the generated headers name vigil/v1/x.proto and not this machine's checkout.
cd "$root/proto"
protoc -I . \
  --go_out="$tmp" --go_opt="$maps,module=$module" \
  --go-grpc_out="$tmp" --go-grpc_opt="$maps,module=$module" \
  vigil/v1/*.proto
mkdir -p "$out"
rm -f "$out"/*.pb.go
cp "$tmp"/vigilv1/*.pb.go "$out"/
