# syntax=docker/dockerfile:1
# Vigil's production image: built with dev dependencies, shipped with production ones only.
# Node 22 (a current LTS): the code runs on Node 20 to 24; tests run on 20 where native addons are built.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling when no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY proto ./proto
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/data \
    VIGIL_CONFIG=/etc/vigil/vigil.yaml
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/proto ./proto
# `vigil status`, `vigil diagnose` … inside the container; an empty config means the embedded defaults.
RUN chmod +x dist/src/main.js \
 && ln -s /app/dist/src/main.js /usr/local/bin/vigil \
 && mkdir -p /data /etc/vigil \
 && echo '{}' > /etc/vigil/vigil.yaml \
 && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
# gRPC listens on 127.0.0.1 by default (a sidecar serves its own pod); HTTP (/metrics, probes, status page) on all.
EXPOSE 9464
# Node as PID 1 is fine here: Vigil handles SIGTERM and SIGINT itself (drain, then exit) and starts no
# child processes to reap (its queue writer is a thread).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=2", "--v8-pool-size=1", "--heap-growing-percent=50", "/app/dist/src/main.js"]
CMD ["run"]
