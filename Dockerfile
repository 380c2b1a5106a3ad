# One image for every obmock service: directory, bank, TPP, and the one-shot scenario run.
# Build stage: all dependencies (TypeScript is a dev dependency), compile, then drop dev deps.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY certs certs
COPY directory directory
COPY aspsp-mock aspsp-mock
COPY tpp-client tpp-client
COPY scenarios scenarios
COPY cli cli
COPY console console
COPY lib lib
COPY bench bench
COPY index.ts ./
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: compiled code, production dependencies and the shipped profiles; no compiler,
# no sources; runs as the unprivileged 'node' user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY aspsp-mock/profiles aspsp-mock/profiles
COPY console/assets console/assets
COPY docs docs
RUN mkdir -p /data /reports && chown node:node /data /reports
USER node
VOLUME ["/data"]
EXPOSE 8443 8444 8445 8446
ENTRYPOINT ["node", "--min-semi-space-size=64", "--max-semi-space-size=64", "--interrupt-budget=16384", "--require", "./dist/lib/process/lower-background-priority.cjs", "dist/cli/main.js"]
CMD ["up", "--data-dir", "/data", "--bind", "0.0.0.0"]
