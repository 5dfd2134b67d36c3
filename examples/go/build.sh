#!/usr/bin/env bash
# Builds the Go example bot offline with Debian's Go packages, in GOPATH mode:
#   apt-get install -y golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev
# (golang-github-golang-protobuf-1-5-dev is needed: with the default 1.3 package the bot builds and then
# panics on the first reply.) The client package, clients/go with its committed stubs, goes into the
# GOPATH under its import path vigil/clients/go; no protoc is needed.
# Usage: examples/go/build.sh OUT_DIR  → OUT_DIR/vigil-go-bot
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
gopath="$out/gopath"
rm -rf "$gopath/src/vigil/clients/go"
mkdir -p "$gopath/src/vigil/clients" "$gopath/src/vigil-go-bot"
cp -r "$root/clients/go" "$gopath/src/vigil/clients/go"
cp "$root/examples/go/main.go" "$gopath/src/vigil-go-bot/"
cd "$gopath/src/vigil-go-bot"
GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="${GOCACHE:-$out/cache}" \
  go build -o "$out/vigil-go-bot" .
