# syntax=docker/dockerfile:1.7
# platewise recognition worker on NVIDIA GPUs (ENGINE_DEVICE=cuda). Built from the repository root:
#   docker build -f docker/worker-cuda.Dockerfile -t platewise-worker-cuda .
# The same build as docker/cpu.Dockerfile, plus onnxruntime-node's CUDA 12 execution provider,
# which its install script downloads (this build needs internet), on NVIDIA's CUDA 12 + cuDNN 9
# runtime image (what onnxruntime 1.30's CUDA provider links against). Node comes from the
# official Node image. Models as in the CPU image (--build-context models-src=<folder> offline).
# Base images are pinned by version; pin them by digest in your registry as well.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

FROM scratch AS models-src

FROM ${NODE_IMAGE} AS node

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
COPY . .
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN pnpm install --frozen-lockfile \
 && pnpm db:generate \
 && pnpm turbo run build \
 && test -n "$(find node_modules/.pnpm -name 'libonnxruntime_providers_cuda.so' -print -quit)"
COPY --from=models-src / /models-src/
RUN PLATEWISE_MODELS_FROM=/models-src PLATEWISE_MODELS_DIR=/app/models/weights node models/install.mjs \
 && pnpm prune --prod --ignore-scripts

FROM ${CUDA_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production PLATEWISE_MODELS_DIR=/app/models/weights ENGINE_DEVICE=cuda WORKER_HTTP_PORT=8081
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN groupadd --system --gid 10001 platewise && useradd --system --uid 10001 --gid platewise --no-create-home platewise
COPY --from=build --chown=root:root /app /app
USER 10001:10001
EXPOSE 8081
CMD ["node", "--single-threaded-gc", "apps/worker/dist/main.js"]
