# Gatehouse: the panel for a Linux NAT gateway. Multi-stage: build with the
# toolchain, run on a slim image with nftables, conntrack and iproute2 only.
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
COPY . .
# The same steps the deploy tests run as a script (deploy/test/stage.test.ts).
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && bash deploy/stage.sh /opt/gatehouse

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables conntrack iproute2 kmod \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/gatehouse /opt/gatehouse
WORKDIR /opt/gatehouse
ENV NODE_ENV=production \
    GATEHOUSE_LISTEN=127.0.0.1:8080 \
    GATEHOUSE_STATE_DIR=/var/lib/gatehouse \
    GATEHOUSE_WEB_DIR=/opt/gatehouse/apps/web/dist
VOLUME ["/var/lib/gatehouse"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const [h,p]=(process.env.GATEHOUSE_LISTEN||'127.0.0.1:8080').split(':');fetch(`http://${h==='0.0.0.0'?'127.0.0.1':h}:${p}/api/v1/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The flags: apps/server/src/node-flags.ts.
CMD ["node", "--v8-pool-size=0", "apps/server/dist/server.js"]
