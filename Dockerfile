# incidentio-port-etl: one image, configured entirely by Ocean's environment variables.
# Debian 13 (trixie) ships jq 1.7.1, the jq version Port's Ocean evaluates mappings with.
FROM node:22-trixie-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@12.4.2
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Compilers are here only in case no prebuilt better-sqlite3 binary can be downloaded.
RUN pnpm install --frozen-lockfile --prod

# The CLI is built (`pnpm build`, esbuild) with the dev dependencies, which stay in this stage.
FROM deps AS build
RUN pnpm install --frozen-lockfile
COPY src ./src
COPY db ./db
RUN pnpm build

FROM node:22-trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends jq ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown node:node /data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY resources ./resources
# The staging file must outlive the container: it is what lets every run push only the changes.
ENV ETL_DB=/data/etl.sqlite \
    JQ_PATH=/usr/bin/jq \
    NODE_ENV=production \
    INCIDENTIO_PORT_ETL_PROGRAM=incidentio-port-etl \
    MALLOC_ARENA_MAX=2
VOLUME ["/data"]
# `serve` listens here (ETL_SERVE_PORT) for Incident.io's webhooks; the other commands open no port.
EXPOSE 8080
USER node
# node runs the CLI directly (not through pnpm) so SIGTERM reaches it and the current batch finishes.
# The same V8 flags (and MALLOC_ARENA_MAX above) as package.json's etl script and the installed command (docs/guarantees.md, "Memory stays flat").
ENTRYPOINT ["node", "--max-semi-space-size=64", "--expose-gc", "dist/main.js"]
CMD ["run"]
