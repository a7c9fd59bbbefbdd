# syntax=docker/dockerfile:1.7
#
# One recipe for every service: the build argument SERVICE names the folder under services/.
# Build from the repository root (docker-compose.yml does, for each service):
#   docker build --build-arg SERVICE=ingress --build-arg PORTS="3000 3100" -t retell-booking/ingress:local .
#   docker build --build-arg SERVICE=call-processor --build-arg PORTS=3001 -t retell-booking/call-processor:local .
#   docker build --build-arg SERVICE=booking --build-arg PORTS=3002 -t retell-booking/booking:local .
# .dockerignore beside this file keeps node_modules, .env and local state out of the build context.
#
# A service runs from its esbuild bundle (`pnpm --filter @rb/<service> build`, as scripts/up.sh
# does): dependencies are bundled in, so the runtime image holds Node and dist/ only.

# Both stages use node:24.21.0-slim: keep it in step with RB_NODE_VERSION in
# scripts/lib/toolchain.sh (written out, not an ARG, so test/deploy.test.ts sees the pin).

# ---- build --------------------------------------------------------------------------------
FROM node:24.21.0-slim AS build
ARG SERVICE
ENV CI=true
WORKDIR /repo
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=<a folder under services/>' >&2; exit 1; }

# pnpm at the exact version of package.json's "packageManager" field.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# the patched kafkajs (see patches/README.md): pnpm applies it when it installs
COPY patches/ patches/
RUN npm install --global --no-fund --no-audit --loglevel=error \
      "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"

# Fill the store from the lockfile alone: this layer is reused until the lockfile changes, and
# shared by every service's image.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir /pnpm/store

COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
COPY services/ services/

# the service and the workspace packages it uses (contracts, kafka-runner, observability,
# german-dates), with their dev dependencies: esbuild is one.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile --store-dir /pnpm/store --filter "@rb/${SERVICE}..."
RUN pnpm --filter "@rb/${SERVICE}" build

# ---- runtime ------------------------------------------------------------------------------
FROM node:24.21.0-slim AS runtime
ARG SERVICE
# what the service listens on (its config's PORT default, and ingress's OPS_PORT); documentation
# for `docker run -P`, compose publishes its ports itself
ARG PORTS
# NODE_ENV only tunes libraries (express); the service's own code never branches on it.
# KAFKAJS_NO_PARTITIONER_WARNING matches scripts/lib/toolchain.sh: a kafkajs 2.2.4 notice, cosmetic here.
# HOST and OPS_HOST: listen on the container's network. The ports are each service's config
# defaults (ingress 3000, call-processor 3001, booking 3002). ingress's OPS_PORT (3100) serves
# /livez, /readyz, /metrics for the kubelet and Prometheus: reachable in the pod network (a
# NetworkPolicy keeps the internet out), never published like the webhook port. A service
# without a separate ops listener ignores OPS_HOST.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0 \
    KAFKAJS_NO_PARTITIONER_WARNING=1 \
    MALLOC_ARENA_MAX=1
WORKDIR /app
COPY --from=build /repo/services/${SERVICE}/dist/ ./dist/

# the image's unprivileged user
USER node
EXPOSE ${PORTS}
# node is PID 1 and receives SIGTERM itself: src/main.ts (runService) drains and exits within
# SHUTDOWN_TIMEOUT_MS (the service's default: 10 or 15 s), inside compose's stop_grace_period.
# V8 and malloc settings as scripts/up.sh's (README, "Memory"): a young generation that lets
# request buffers die young, an old generation that grows by 1.5× instead of up to 4×, one
# malloc arena.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "dist/main.js"]
