#!/usr/bin/env bash
# Regenerates src/generated/ (TypeScript types of the vigil.v1 contract) from proto/.
# The loader options here must match PROTO_LOADER_OPTIONS in src/proto.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-src/generated}
rm -rf "$out"
npx proto-loader-gen-types --grpcLib=@grpc/grpc-js --outDir="$out" --importFileExtension=.js \
  --keepCase --longs=Number --enums=String --arrays --objects --oneofs --includeComments \
  --includeDirs=proto -- $(cd proto && ls vigil/v1/*.proto) >/dev/null
