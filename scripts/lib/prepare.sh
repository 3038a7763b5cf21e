# Shared by scripts/up.sh and scripts/test.sh: makes sure PostgreSQL and Redis run on this machine
# (installing them from Debian packages when absent and running as root), then installs the
# workspace and builds it. Source it; it changes nothing outside the machine's services and the repo.

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! as_root; then
    echo "missing: $* — install it (apt-get install $*) or run this script as root" >&2
    exit 1
  fi
  log "installing $* from Debian packages"
  # another apt (an unattended upgrade, a second checkout's script) may hold dpkg's lock: wait
  local wait=(-o DPkg::Lock::Timeout=300)
  if [ -z "${PLATEWISE_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" update -qq
    PLATEWISE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get "${wait[@]}" install -y -qq "$@" >/dev/null
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

ensure_postgres() {
  pg_ready && return 0
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  log "starting PostgreSQL"
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  pg_ready || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  # Local development and CI connect as postgres without a password (trust on loopback).
  if ! psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1 && as_root; then
    local hba
    hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf)
    sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
}

ensure_redis() {
  redis_ready && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis_ready && break; sleep 0.5; done
  redis_ready || { echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1; }
}

ensure_pnpm() {
  command -v pnpm >/dev/null && return 0
  log "installing pnpm"
  if as_root; then npm install -g pnpm@10 >/dev/null; else corepack enable --install-directory "$HOME/.local/bin" pnpm && export PATH="$HOME/.local/bin:$PATH"; fi
}

install_and_build() {
  ensure_pnpm
  log "installing dependencies"
  pnpm install --frozen-lockfile --reporter=silent
  log "generating the Prisma client"
  pnpm -s db:generate >/dev/null
  log "building"
  pnpm -s turbo run build --output-logs=errors-only
  log "installing models (copied from \${PLATEWISE_MODELS_FROM:-../shared/models}, sha256-verified)"
  node models/install.mjs >/dev/null
}

# Debian packages the recogniser's training pipeline needs (models/training/README.md).
TRAINING_PACKAGES=(python3-torch python3-pil python3-numpy python3-onnx fonts-opendin fonts-routed-gothic
  fonts-bebas-neue fonts-roboto-unhinted fonts-dejavu-core fonts-dejavu-extra fonts-urw-base35
  fonts-open-sans fonts-liberation2 fonts-croscore fonts-freefont-ttf fonts-clear-sans fonts-b612)

ensure_training_deps() {
  local missing=()
  for pkg in "${TRAINING_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# The dashboard's browser tests drive Debian's chromium (test/browser).
ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# apps/stream decodes video with Debian's ffmpeg.
ensure_ffmpeg() {
  command -v ffmpeg >/dev/null || apt_install ffmpeg
}

# ...and its tests serve clips over RTSP with GStreamer's RTSP server (through python3-gi).
STREAM_PACKAGES=(ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav)

ensure_stream_deps() {
  local missing=()
  for pkg in "${STREAM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}
