# syntax=docker/dockerfile:1
# keyemu: one port, every dialect. Build:  docker build -t keyemu .
# Run:    docker run --rm -p 4599:4599 keyemu
# Configure with the CLI's environment variables: KEYEMU_PORT, KEYEMU_HOST, KEYEMU_SEED, KEYEMU_DATA,
# KEYEMU_AUTH, KEYEMU_LOG_LEVEL (see `node dist/keyemu.mjs --help`).

# --- build: compile TypeScript with the dev dependencies ---
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY build ./build
COPY src ./src
COPY dialects ./dialects
RUN npm run build

# --- runtime ---
FROM node:24-slim
# The bin caps V8's young generation itself (src/cli/young-generation.ts); NODE_OPTIONS may override it.
ENV NODE_ENV=production \
    KEYEMU_HOST=0.0.0.0 \
    KEYEMU_PORT=4599
WORKDIR /app
# Root-owned and read-only for the app; /data is the one writable place, for KEYEMU_DATA=/data/state.json.
# The CLI is bundled (dependencies included) behind a small bin, so the image needs no node_modules.
COPY package.json ./
COPY seeds ./seeds
COPY --from=build /app/dist/keyemu.mjs /app/dist/keyemu-cli.cjs ./dist/
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 4599
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.KEYEMU_PORT || 4599}/_emu/health`, { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 (no npm, no shell), so SIGTERM/SIGINT reach the CLI's own shutdown handler.
CMD ["node", "dist/keyemu.mjs"]
