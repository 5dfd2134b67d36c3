#!/usr/bin/env bash
# Writes proto/descriptors.binpb: the FileDescriptorSet that server reflection serves — every
# vigil/v1/*.proto under its own name with its imports (google/protobuf/*), and grpc/health/v1/health.proto
# under its canonical name (grpc-health-check ships it as health/v1/health.proto). Built by buf, so tools
# such as `buf curl` and grpcurl resolve every type without a local schema.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-proto/descriptors.binpb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/health/grpc/health/v1"
cp node_modules/grpc-health-check/proto/health/v1/health.proto "$tmp/health/grpc/health/v1/health.proto"
npx buf build proto --exclude-source-info -o "$tmp/vigil.binpb"
npx buf build "$tmp/health" --exclude-source-info -o "$tmp/health.binpb"
# Two serialized FileDescriptorSets concatenated are one set holding the files of both (repeated fields append).
cat "$tmp/vigil.binpb" "$tmp/health.binpb" >"$out"
