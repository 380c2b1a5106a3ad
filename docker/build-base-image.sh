#!/usr/bin/env bash
# Builds the Dockerfile's base image (node:20-bookworm-slim) locally, for machines that
# reach the Debian archive but no image registry: a minimal Debian bookworm root file
# system from debootstrap, plus this machine's Node.js (>= 20.18; Debian bookworm's own
# nodejs package is 18) and npm. Needs root, debootstrap and podman (or docker).
# CA certificates this machine adds to its trust store (/usr/local/share/ca-certificates, e.g.
# a TLS-inspecting proxy's) are trusted in the image too, so `npm ci` in the build works here.
#   docker/build-base-image.sh            # tags docker.io/library/node:20-bookworm-slim
# Does nothing when the image already exists (OBMOCK_REBUILD_BASE=1 forces a rebuild).
set -euo pipefail
image=${OBMOCK_BASE_IMAGE:-docker.io/library/node:20-bookworm-slim}
engine=${OBMOCK_ENGINE:-podman}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [[ -z ${OBMOCK_REBUILD_BASE:-} ]] && "$engine" image exists "$image" 2>/dev/null; then
  echo "base image $image already present"
  exit 0
fi
node_bin=$(readlink -f "$(command -v node)")
node_version=$("$node_bin" -p 'process.versions.node')
if ! "$node_bin" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=18)?0:1)'; then
  echo "node $node_version on this machine is older than 20.18" >&2
  exit 1
fi
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
work=$(mktemp -d "${TMPDIR:-/tmp}/obmock-base-XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# The official image has a 'node' user (uid 1000); the Dockerfile runs as it.
chroot "$rootfs" /usr/sbin/groupadd --gid 1000 node
chroot "$rootfs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
extra_ca=()
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  chroot "$rootfs" /usr/sbin/update-ca-certificates >/dev/null
  extra_ca=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | "$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  "${extra_ca[@]}" --change 'CMD ["node"]' - "$image"
echo "built $image (Debian bookworm + node $node_version)"
