# cursor-runner: one image for the runner (default) and the sidecar (`npm run sidecar`); the
# `desktop` target adds an X display and the tools of computer use (`docker build --target desktop .`).
# Linted by the test suite (dockerfile-utils; hadolint is not packaged for Debian 12). No Docker
# engine was available where this was written, so the image has not been built or run there
# (see README, "Deployment").

ARG NODE_VERSION=20

# ---- deps: production dependencies only, from the committed lockfile --------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` with the lockfile, not `npm ci`: some registry mirrors carry only linux-x64 builds of
# packages with per-platform optional dependencies, and `npm ci` then rejects the lockfile (.ci/run).
# tsx is a runtime dependency: the service runs its TypeScript directly (`node --import tsx`).
RUN npm install --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# ---- ui: the web UI built with the dev toolchain (Vite, Preact); only dist/ui goes on -----------
FROM node:${NODE_VERSION}-bookworm-slim AS ui
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts \
  && npm cache clean --force
COPY tsconfig.json ./
COPY ui ./ui
RUN npm run build:ui

# ---- base: what the runner and the desktop images share ---------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
# tini as PID 1: agents run in their own process groups, and orphans re-parented to PID 1 must be
# reaped; git for agents and repository work. Debian versions are not pinned (security updates).
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini git ca-certificates \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production \
    PORT=3001 \
    DATABASE_URL=file:/data/cursor-runner.db \
    REPOSITORIES_PATH=/repositories \
    SIDECAR_PORT=3002
# HOST is deliberately not set: with RUNNER_API_TOKENS the server listens on 0.0.0.0, without them
# only on 127.0.0.1 (unreachable from outside the container) — an open runner is never published.

COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
# The web UI served at / (the server reads dist/ui; .dockerignore keeps a local dist/ out).
COPY --from=ui --chown=node:node /app/dist/ui ./dist/ui
RUN mkdir -p /data /repositories && chown node:node /data /repositories

# ---- desktop: `docker build --target desktop .` — computer use on its own X display ------------
# Xvfb + openbox (started by `npm run desktop`, which then runs the CMD's command with DISPLAY set),
# the X tools the desktop actions use, xterm as the "terminal" application and x11vnc, which the
# runner starts itself for the web UI's live desktop view (GET /desktop/vnc; DESKTOP_VNC=off to not). Run it as the runner itself
# (default CMD), or as a separate desktop sidecar: CMD ["npm", "run", "desktop", "--", ":99",
# "1280x800", "--", "npm", "run", "sidecar"] with SIDECAR_ROOT=/home/node (it holds the files root).
FROM base AS desktop
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends xvfb xauth openbox xdotool imagemagick xclip wmctrl \
     x11-xserver-utils x11-utils xterm x11vnc fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /home/node/Desktop && chown node:node /home/node/Desktop
ENV DESKTOP_ENABLED=true \
    DISPLAY=:99 \
    DESKTOP_FILES_ROOT=/home/node/Desktop \
    DESKTOP_APPLICATIONS='{"terminal":{"command":["xterm"],"wmClass":"xterm.XTerm"}}'
USER node
VOLUME ["/data", "/repositories", "/home/node/Desktop"]
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3001}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/node/desktop.ts", ":99", "1280x800", "--", "node", "--import", "tsx", "src/node/server.ts"]

# ---- runtime (the default target: the last stage) ---------------------------------------------
FROM base AS runtime
# The image's own non-root user (uid 1000).
USER node
VOLUME ["/data", "/repositories"]
EXPOSE 3001

# /health needs no token; 127.0.0.1 answers whichever HOST the server chose.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3001}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# Database migrations run at start-up (the server applies pending ones before it listens and stops
# with the migration's error if one fails), so there is no separate migrate step.
CMD ["node", "--import", "tsx", "src/node/server.ts"]
