#!/usr/bin/env bash
# Makes the compose judge's secrets where they are missing: the token the
# workers dial in with and the admin API's, 32 random bytes each in hex,
# readable by root only.  Existing files are left alone (replace one and
# "docker-compose up -d" again to change it).  They are never committed
# (docker/secrets/.gitignore).
#
#   docker/secrets.sh [DIR]      (default docker/secrets beside this script)

set -euo pipefail

dir=${1:-$(dirname "$0")/secrets}
mkdir -p "$dir"

for name in worker_token admin_token; do
    if [ ! -s "$dir/$name" ]; then
        (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' \
            > "$dir/$name.tmp" && echo >> "$dir/$name.tmp")
        mv "$dir/$name.tmp" "$dir/$name"
        echo "made $dir/$name"
    fi
done
