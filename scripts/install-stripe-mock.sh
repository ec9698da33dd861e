#!/usr/bin/env bash
# Installs stripe-mock, the local fake of the Stripe API that the integration
# tests in stripe/ (and any package using stripe/stripemock) run against.
# Idempotent: does nothing, silently, when the binary is already present.
set -euo pipefail

version="v0.203.0"

if command -v stripe-mock >/dev/null 2>&1; then
	exit 0
fi

# Where `go install` puts binaries: GOBIN, else the first GOPATH entry's bin.
gobin="$(go env GOBIN)"
if [[ -z "${gobin}" ]]; then
	gopath="$(go env GOPATH)"
	gobin="${gopath%%:*}/bin"
fi
if [[ -x "${gobin}/stripe-mock" ]]; then
	exit 0
fi

echo "installing stripe-mock ${version} into ${gobin} ..." >&2
go install "github.com/stripe/stripe-mock@${version}"
echo "stripe-mock installed: ${gobin}/stripe-mock" >&2
