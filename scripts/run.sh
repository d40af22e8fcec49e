#!/usr/bin/env bash
# Starts (or stops) the embedded quickstart: the stock nginx with the module
# on 127.0.0.1:$JUDGE_PORT (default 8080) and a local judge-worker, all state
# under ./run.
#
#   scripts/run.sh start | stop

set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix="$repo/run"
build="${JUDGE_BUILD:-$repo/build}"
port="${JUDGE_PORT:-8080}"
nginx=/usr/sbin/nginx

nginx_args=(-p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log")

stop() {
    if [ -f "$prefix/worker.pid" ]; then
        kill "$(cat "$prefix/worker.pid")" 2>/dev/null || true
        rm -f "$prefix/worker.pid"
    fi
    if [ -f "$prefix/nginx.pid" ] && kill -0 "$(cat "$prefix/nginx.pid")" 2>/dev/null; then
        "$nginx" "${nginx_args[@]}" -s quit
        for _ in $(seq 50); do
            [ -f "$prefix/nginx.pid" ] || break
            sleep 0.1
        done
        echo "stopped"
    fi
}

start() {
    stop >/dev/null
    mkdir -p "$prefix/logs" "$prefix/tmp"

    user="# nginx runs as $(id -un)"
    if [ "$(id -u)" -eq 0 ]; then
        user="user nobody nogroup;"
        chown nobody:nogroup "$prefix/tmp"
    fi

    sed -e "s|@MODULE@|$build/ngx_http_judge_module.so|" \
        -e "s|@PREFIX@|$prefix|g" \
        -e "s|@PORT@|$port|" \
        -e "s|@USER@|$user|" \
        "$repo/conf/quickstart.conf" > "$prefix/nginx.conf"

    "$nginx" "${nginx_args[@]}" -t -q
    "$nginx" "${nginx_args[@]}"

    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        sleep 0.05
    done

    cat <<MSG
ngx_judge is running: nginx on http://127.0.0.1:$port (logs in $prefix/logs)

Try:
    curl -s http://127.0.0.1:$port/health

Stop it with: make stop
MSG
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
