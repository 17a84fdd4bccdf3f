#!/usr/bin/env bash
# Regenerates the Go code of the plugin protocol (plugins/proto/connector/v1/*.pb.go) from
# connector.proto, with tools pinned here and installed by `go install` into a cache directory
# of their own. Run from anywhere: plugins/proto/generate.sh (the lead's `make proto`).
#
# protoc-gen-go matches go.mod's google.golang.org/protobuf; protoc-gen-go-grpc 1.6.x emits code
# for grpc >= 1.64 (go.mod has v1.84.0).
set -euo pipefail

BUF_VERSION=v1.75.0
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${ACCORD_PROTO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/accord/proto-tools}/buf-${BUF_VERSION}_go-${PROTOC_GEN_GO_VERSION}_grpc-${PROTOC_GEN_GO_GRPC_VERSION}"

install() { # install PACKAGE@VERSION BINARY
	if [[ ! -x "$tools/$2" ]]; then
		echo "installing $1 into $tools" >&2
		GOBIN="$tools" go install "$1"
	fi
}
install "github.com/bufbuild/buf/cmd/buf@${BUF_VERSION}" buf
install "google.golang.org/protobuf/cmd/protoc-gen-go@${PROTOC_GEN_GO_VERSION}" protoc-gen-go
install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@${PROTOC_GEN_GO_GRPC_VERSION}" protoc-gen-go-grpc

cd "$here"
export PATH="$tools:$PATH"
buf format --diff --exit-code
buf lint
buf generate
echo "generated: $(ls connector/v1/*.pb.go | tr '\n' ' ')" >&2
