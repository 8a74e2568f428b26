#!/bin/sh
# Podman on a machine like the development machines (Debian, root, no container registry).
#
# 1. Writes /etc/containers/containers.conf with the three settings podman needs there
#    (ulimits, host network, runc with cgroupfs), only where that file is missing, and says so.
#    A machine whose podman already works keeps its own configuration.
# 2. Where an image the build or the stack starts from cannot be found locally and cannot
#    be pulled, builds a stand-in from Debian's packages under the same name (mmdebstrap):
#    debian:trixie-slim (the image's base), postgres:17, caddy:2, edoburu/pgbouncer and rabbitmq:4 (the
#    stack's services).
#    A site with a registry pulls the real ones and never runs this part.
set -eu
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=""
for tool in podman podman-compose mmdebstrap; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ]; then
    echo "Installing$missing (Debian packages)"
    as_root apt-get install -y -qq podman runc podman-compose mmdebstrap >/dev/null
fi

if [ ! -f /etc/containers/containers.conf ]; then
    as_root mkdir -p /etc/containers
    as_root tee /etc/containers/containers.conf >/dev/null <<'CONF'
# Written by Samtale's scripts/podman-setup.sh: podman on a machine whose kernel refuses
# crun's limits and cgroups v2 delegation, and whose containers share the host's network.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
    echo "Wrote /etc/containers/containers.conf (runc, cgroupfs, host network, ulimits)"
fi

BASE="${BASE_IMAGE:-docker.io/library/debian:trixie-slim}"
SUITE="${DEBIAN_SUITE:-trixie}"
have() { podman image exists "$1" || podman pull -q "$1" >/dev/null 2>&1; }
mkdir -p build
if ! have "$BASE"; then
    echo "Building $BASE from Debian's packages (mmdebstrap, no registry here)"
    # As Debian's own slim images: no package lists or caches, no manuals or translations.
    mmdebstrap --quiet --variant=minbase --include=ca-certificates \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
        "$SUITE" build/base.tar
    podman import -q build/base.tar "$BASE" >/dev/null
    rm -f build/base.tar
fi
for name in postgres caddy pgbouncer rabbitmq; do
    image="$(sed -n "s/^ *image: *\${[A-Z_]*:-\(.*$name[^}]*\)}.*/\1/p" compose.yaml | head -n1)"
    [ -n "$image" ] || continue
    if ! have "$image"; then
        echo "Building a stand-in for $image from Debian's packages"
        podman build -q --pull=never --build-arg "BASE_IMAGE=$BASE" -t "$image" \
            -f "containers/stand-ins/$name.Containerfile" containers/stand-ins >/dev/null
    fi
done
