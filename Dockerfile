# Roster's image: the compiled server, the built console and production dependencies on Node 20.
# docs/deploy.md walks through running it with compose.yaml (PostgreSQL, two servers, one worker).

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# The embedded database's folder, for a single container without DATABASE_URL; unused on PostgreSQL.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/roster.js"]
CMD ["serve"]
