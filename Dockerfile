# syntax=docker/dockerfile:1
# The helpdesk bot as an image: built in one stage, its production dependencies installed in a
# second, and only those two results in the final stage (Node 20 slim, non-root, no npm install
# tools, no TypeScript). scripts/container-smoke.sh runs these same commands without Docker.
#
#   docker build -t helpdesk-bot .
#   docker run --env-file .env -p 3000:3000 -v helpdesk-data:/data -v "$PWD/knowledge-base:/kb" helpdesk-bot
ARG NODE_IMAGE=node:20-slim

# ---- build: the full install and `npm run build` (dist/, with TensorFlow.js and the Prisma clients compiled in)
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles itself when no prebuilt binary can be downloaded for this Node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY scripts ./scripts
COPY prisma ./prisma
# Install scripts are off (an npm older than 11 ignores package.json's allowScripts); the two this
# project approves are run by name: better-sqlite3's native build and our Prisma client generation.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && node scripts/generate-prisma-client.mjs
COPY src ./src
RUN npm run build

# ---- deps: what the bot runs with (npm ci --omit=dev: no prisma CLI, no TensorFlow.js, no esbuild)
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    KB_DIR=/kb \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and not writable by the bot: only /data and /kb are.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The migrations are read at start (dist/store/open-store.js looks two folders up).
COPY prisma/migrations ./prisma/migrations
COPY prisma/postgres/migrations ./prisma/postgres/migrations
# The bundled knowledge base, as a default: mount your own over /kb (drafts and learned phrasings are written there).
COPY --chown=node:node knowledge-base /kb
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# No curl in slim images: Node's own fetch. 503 while the knowledge base loads, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Plain node as PID 1 handles SIGTERM (main.ts stops the bot); no npm in between to swallow it.
CMD ["node", "dist/main.js"]
