#!/usr/bin/env bash
# Builds the Go example bot offline with Debian's Go packages, in GOPATH mode:
#   apt-get install -y golang-go golang-google-grpc-dev golang-google-protobuf-dev protoc-gen-go \
#     protoc-gen-go-grpc golang-github-golang-protobuf-1-5-dev protobuf-compiler
# (golang-github-golang-protobuf-1-5-dev is needed: with the default 1.3 package the bot builds and then
# panics on the first reply.) Usage: examples/go/build.sh OUT_DIR  → OUT_DIR/vigil-go-bot
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
gopath="$out/gopath"
mkdir -p "$gopath/src/vigil/v1" "$gopath/src/vigil-go-bot"
# Import path vigil/v1 (package vigilv1) for every file, given here rather than as go_package options.
maps=""
for f in "$root"/proto/vigil/v1/*.proto; do maps="$maps,Mvigil/v1/$(basename "$f")=vigil/v1;vigilv1"; done
maps=${maps#,}
protoc -I "$root/proto" \
  --go_out="$gopath/src" --go_opt="$maps" \
  --go-grpc_out="$gopath/src" --go-grpc_opt="$maps" \
  "$root"/proto/vigil/v1/*.proto
cp "$root/examples/go/main.go" "$gopath/src/vigil-go-bot/"
cd "$gopath/src/vigil-go-bot"
GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="$out/cache" \
  go build -o "$out/vigil-go-bot" .
