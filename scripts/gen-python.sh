#!/usr/bin/env bash
# Regenerates the Python client's stubs (clients/python/vigil_client/_gen/) from proto/ with Debian's
# protoc 3.21 and grpc_python_plugin (python3 -m grpc_tools.protoc bundles protoc 3.5, which rejects proto3
# `optional`). The stubs' own imports (`from vigil.v1 import …`) are rewritten to point inside the
# package, so installing vigil-client never claims a top-level `vigil` module.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-clients/python/vigil_client/_gen}
plugin=${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}
rm -rf "$out"
mkdir -p "$out"
protoc -I proto --python_out="$out" --pyi_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$plugin" \
  $(cd proto && ls vigil/v1/*.proto)
find "$out" -name '*.py' -o -name '*.pyi' | sort | while read -r f; do
  sed -i -E -e 's/^from vigil\.v1 import /from vigil_client._gen.vigil.v1 import /' \
    -e "s/'vigil\.v1\.([a-z_]+_pb2)'/'vigil_client._gen.vigil.v1.\1'/" "$f"
done
for d in "$out" "$out/vigil" "$out/vigil/v1"; do
  printf '"""Generated from proto/ by scripts/gen-python.sh: do not edit."""\n' >"$d/__init__.py"
done
