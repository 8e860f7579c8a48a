#!/usr/bin/env bash
# Stages a runnable Gatehouse (server, rules library, built web UI and their
# production dependencies only) into DEST, from a built checkout.
# Used by the Dockerfile's build stage and by `npm run install-gateway`, and
# run as a script by the deploy tests, so all three install the same tree.
#
#   bash deploy/stage.sh DEST
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:?usage: stage.sh DEST}"
for f in apps/server/dist/server.js packages/rules/dist/index.js apps/web/dist/index.html; do
  [ -f "$src/$f" ] || { echo "stage: $f is missing; run npm run build first" >&2; exit 1; }
done
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
copy() { mkdir -p "$dest/$(dirname "$1")"; cp -a "$src/$1" "$dest/$1"; }
copy package.json
copy package-lock.json
copy README.md
# The README's links point into docs/ (the units' Documentation= names the README).
mkdir -p "$dest/docs" && cp -a "$src"/docs/*.md "$dest/docs/"
for ws in packages/rules packages/lab apps/server apps/web apps/cli apps/demo e2e; do
  [ -f "$src/$ws/package.json" ] && copy "$ws/package.json"
done
copy packages/rules/dist
copy apps/server/dist
copy apps/web/dist
# Production dependencies of the server and the rules library only: no web
# build tools, no test runners, no browsers. better-sqlite3 builds here.
(cd "$dest" && npm ci --omit=dev --no-audit --no-fund \
  --workspace @gatehouse/server --workspace @gatehouse/rules)
echo "stage: Gatehouse staged in $dest"
