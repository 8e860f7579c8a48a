# Gatehouse: the panel for a Linux NAT gateway. Multi-stage: build with the
# toolchain, run on a slim image with only nftables, conntrack and iproute2.
#
# Node 24 LTS: better-sqlite3 12 (the line that also builds on Node 20, where
# development happens) supports Node 20-25.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# python3, make and g++ build better-sqlite3's native addon from source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/rules/package.json packages/rules/
COPY packages/lab/package.json packages/lab/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables conntrack iproute2 kmod \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/gatehouse
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages/rules/package.json packages/rules/
COPY --from=build /src/packages/rules/dist packages/rules/dist
COPY --from=build /src/apps/server/package.json apps/server/
COPY --from=build /src/apps/server/dist apps/server/dist
COPY --from=build /src/apps/web/dist apps/web/dist
ENV NODE_ENV=production \
    GATEHOUSE_LISTEN=127.0.0.1:8080 \
    GATEHOUSE_STATE_DIR=/var/lib/gatehouse \
    GATEHOUSE_WEB_DIR=/opt/gatehouse/apps/web/dist
VOLUME ["/var/lib/gatehouse"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const [h,p]=(process.env.GATEHOUSE_LISTEN||'127.0.0.1:8080').split(':');fetch(`http://${h==='0.0.0.0'?'127.0.0.1':h}:${p}/api/v1/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/server/dist/server.js"]
