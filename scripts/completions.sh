#!/bin/sh
# Writes the shell completions GoReleaser packs into the archives and the
# .deb/.rpm (a before hook in .goreleaser.yaml): cobra's own `completion`
# command, run from this checkout.
set -eu
cd "$(dirname "$0")/.."
rm -rf completions
mkdir -p completions
go build -o completions/.altcontacts ./cmd/altcontacts
for sh in bash zsh fish; do
  completions/.altcontacts completion "$sh" > "completions/altcontacts.$sh"
done
rm completions/.altcontacts
