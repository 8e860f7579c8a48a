#!/usr/bin/env bash
# Gatehouse demo: installs what is missing (Debian), builds, creates the lab,
# starts the server inside the lab gateway and prints the URL and login.
# Ctrl-C removes the lab. Run as root from anywhere in the repository.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root (it creates network namespaces)" >&2
  exit 1
fi

missing=()
for tool in nft:nftables conntrack:conntrack ip:iproute2 vsftpd:vsftpd curl:curl; do
  cmd=${tool%%:*}; pkg=${tool##*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" build-essential python3
fi

if [ ! -d node_modules ]; then npm ci; fi
npx tsc -p packages/rules/tsconfig.build.json
npx tsc -p packages/lab/tsconfig.build.json
npx tsc -p apps/server/tsconfig.build.json
if [ -f apps/web/package.json ] && grep -q '"build"' apps/web/package.json; then
  npm run build -w apps/web || echo "demo: the web UI did not build; the API and /api/docs still work" >&2
fi

exec node apps/server/dist/demo.js
