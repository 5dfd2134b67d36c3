#!/usr/bin/env bash
# The contract's checks: buf lint, buf breaking against the last commit, generated TypeScript types and
# Python stubs in sync.
set -euo pipefail
cd "$(dirname "$0")/.."
npx buf lint
# Compare against the last landed commit (HEAD~1 on a fresh clone of main, where HEAD is what is tested)
# and, while working, against HEAD too, so an uncommitted breaking change is caught before it lands.
for ref in HEAD~1 HEAD; do
  if git rev-parse --verify -q "$ref^{commit}" >/dev/null && git cat-file -e "$ref:buf.yaml" 2>/dev/null; then
    npx buf breaking --against ".git#ref=$(git rev-parse "$ref")"
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash scripts/gen-types.sh "$tmp/generated"
if ! diff -r "$tmp/generated" src/generated >/dev/null; then
  echo "src/generated is out of date with proto/: run npm run gen and commit the result" >&2
  diff -r "$tmp/generated" src/generated | head -20 >&2
  exit 1
fi
# The Python client's stubs (clients/python/vigil_client/_gen), made by Debian's protoc and gRPC plugin.
bash scripts/gen-python.sh "$tmp/python-gen"
if ! diff -r -x __pycache__ "$tmp/python-gen" clients/python/vigil_client/_gen >/dev/null; then
  echo "clients/python/vigil_client/_gen is out of date with proto/: run bash scripts/gen-python.sh and commit the result" >&2
  diff -r -x __pycache__ "$tmp/python-gen" clients/python/vigil_client/_gen | head -20 >&2
  exit 1
fi
