# One image for every obmock service: directory, bank, TPP, and the one-shot scenario run.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
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
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev
VOLUME ["/data"]
EXPOSE 8443 8444 8445 8446
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["up", "--data-dir", "/data", "--bind", "0.0.0.0"]
