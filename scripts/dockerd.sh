#!/usr/bin/env bash
# Makes sure a Docker daemon answers on /var/run/docker.sock: installs
# Debian's docker.io, docker-compose and debootstrap when missing, and
# starts dockerd when no daemon answers.  Idempotent, and safe to call from
# several places at once (a lock serializes the callers).
#
# The daemon is started for a machine without a firewall or bridge of its
# own (docs/CONTAINERS.md says why):
#
#   --storage-driver=vfs   works on any file system, overlay in overlay
#                          included (each layer is a full copy)
#   --iptables=false       dockerd leaves the host's firewall alone
#   --bridge=none          no docker0: containers are on the compose
#                          project's own networks or on none
#
# It logs to $JUDGE_DOCKERD_LOG (/var/log/judge-dockerd.log).

set -euo pipefail

log=${JUDGE_DOCKERD_LOG:-/var/log/judge-dockerd.log}
lock=/run/judge-dockerd.lock
socket=/var/run/docker.sock

answers() {
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

exec 9>"$lock"
flock 9

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi

if answers; then
    exit 0
fi

# (where systemd runs, installing docker.io has started its daemon)
echo "starting dockerd (log: $log)" >&2
# the daemon must not hold the lock after this script is gone
setsid dockerd --iptables=false --bridge=none --storage-driver=vfs \
    </dev/null >>"$log" 2>&1 9>&- &

for _ in $(seq 1 120); do
    if [ -S "$socket" ] && answers; then
        exit 0
    fi
    sleep 0.5
done

echo "dockerd did not answer on $socket within 60 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
