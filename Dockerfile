# syntax=docker/dockerfile:1
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY schematics ./schematics
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.migrations.json ./
COPY src ./src
COPY migrations ./migrations
COPY web ./web
COPY scripts/build-web.mjs ./scripts/
# The image needs DATABASE_URL (NODE_ENV=production refuses to start without it), so the embedded
# PostgreSQL, an optional dependency, is left out with the dev dependencies.
RUN npm run build && npm prune --omit=dev --omit=optional

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 8000
CMD ["node", "dist/main.js"]
