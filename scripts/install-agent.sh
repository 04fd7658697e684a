#!/usr/bin/env bash
# Installs the locker agent (and optionally the kiosk) on a Debian-based locker board.
#
#   sudo scripts/install-agent.sh --config agent.json [--kiosk] [--prefix /opt/postamat]
#   scripts/install-agent.sh --config agent.json --root /tmp/staging   # lay files out only
#
# agent.json comes from provisioning (scripts/provision-locker.ts or POST /v1/operator/lockers).
# With --root, files go under that directory and no user, package or service is touched: a
# dry run to inspect, and what the test does.
set -euo pipefail

prefix=/opt/postamat
root=/
config=
kiosk=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --kiosk) kiosk=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-agent: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$config" ] || { echo "install-agent: --config FILE is required" >&2; exit 2; }
[ -r "$config" ] || { echo "install-agent: cannot read config $config" >&2; exit 2; }

src=$(cd "$(dirname "$0")/.." && pwd)
live=0
[ "$root" = / ] && live=1
dest="${root%/}$prefix"
etc="${root%/}/etc/postamat"
units="${root%/}/etc/systemd/system"

if [ $live = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-agent: run as root (or use --root DIR for a dry run)" >&2; exit 2; }
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$node_major" -ge 20 ] || { echo "install-agent: Node.js >= 20 is required (found ${node_major})" >&2; exit 2; }
  # Serial adapters belong to dialout; GPIO chips to gpio where the board's udev rules make one.
  getent group gpio >/dev/null || groupadd --system gpio
  id postamat >/dev/null 2>&1 ||
    useradd --system --home-dir /var/lib/postamat --shell /usr/sbin/nologin --user-group postamat
  usermod -a -G dialout,gpio postamat
fi

echo "install-agent: code → $dest"
mkdir -p "$dest" "$etc" "$units"
tar -C "$src" --exclude=./node_modules --exclude=./data --exclude=./.git --exclude='./docs/screens' -cf - . |
  tar -C "$dest" -xf -

install -m 0640 "$config" "$etc/agent.json"
install -m 0644 "$src/systemd/postamat-agent.service" "$units/"
[ $kiosk = 1 ] && install -m 0644 "$src/systemd/postamat-kiosk.service" "$units/"

if [ $live = 1 ]; then
  chgrp postamat "$etc/agent.json"
  (cd "$dest" && npm ci --omit=dev --no-audit --no-fund)
  # Refuse to enable a service that would crash-loop on a bad config.
  (cd "$dest" && node --import tsx agent/main.ts --check-config "$etc/agent.json")
  if [ $kiosk = 1 ]; then
    apt-get install -y --no-install-recommends cage chromium
    id postamat-kiosk >/dev/null 2>&1 ||
      useradd --system --create-home --shell /usr/sbin/nologin --groups video,input,render postamat-kiosk
  fi
  systemctl daemon-reload
  systemctl enable --now postamat-agent.service
  [ $kiosk = 1 ] && systemctl enable --now postamat-kiosk.service
  echo "install-agent: running; follow it with: journalctl -fu postamat-agent"
else
  echo "install-agent: dry run under $root (no users, packages or services touched)"
fi
