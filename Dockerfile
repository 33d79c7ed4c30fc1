# Parvis against an external PostgreSQL (DATABASE_URL). One image, three entry points
# (docs/operations.md): the web server (default, bundled by `npm run build`), `node --import tsx src/worker.ts` and the
# one-off `node --import tsx src/migrate.ts`, run before the web processes of a deploy.
# The demo (embedded PostgreSQL, SMTP sink, mailbox) is for `npm start`, not for this image.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
COPY tenants ./tenants
# The web process runs as one bundled module: a cold start in well under 2 s (docs/decisions/0011).
RUN npm run build
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Node is PID 1: SIGTERM reaches it directly and it exits 0 within SHUTDOWN_TIMEOUT_MS
# (give `docker stop --time` that plus 15 s).
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/web.mjs"]
