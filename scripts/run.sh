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
        pid=$(cat "$prefix/worker.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
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
    mkdir -p "$prefix/logs" "$prefix/tmp" "$prefix/worker"

    for token in worker admin; do
        if [ ! -s "$prefix/$token.token" ]; then
            (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' \
                > "$prefix/$token.token")
        fi
    done

    user="# nginx runs as $(id -un)"
    if [ "$(id -u)" -eq 0 ]; then
        user="user nobody nogroup;"
        chown nobody:nogroup "$prefix/tmp"
    fi

    sed -e "s|@MODULE@|$build/ngx_http_judge_module.so|" \
        -e "s|@PREFIX@|$prefix|g" \
        -e "s|@WEB@|$build/web|g" \
        -e "s|@PORT@|$port|" \
        -e "s|@USER@|$user|" \
        "$repo/conf/quickstart.conf" > "$prefix/nginx.conf"
    cp "$repo/conf/judge0_languages.conf" "$prefix/judge0_languages.conf"

    "$nginx" "${nginx_args[@]}" -t -q
    "$nginx" "${nginx_args[@]}"

    "$build/judge-worker" --master "http://127.0.0.1:$port/worker" \
        --token-file "$prefix/worker.token" --state-dir "$prefix/worker" \
        --pid-file "$prefix/worker.pid" --log "$prefix/logs/worker.log"

    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/health" 2>/dev/null \
            | grep -q '"workers":[1-9]' && break
        sleep 0.1
    done

    cat <<MSG
ngx_judge is running: nginx on http://127.0.0.1:$port with one local
judge-worker (logs in $prefix/logs)

Open http://127.0.0.1:$port/ in a browser: a playground, a judge and the
fleet's dashboard.

Try:
    curl -s http://127.0.0.1:$port/health
    curl -s http://127.0.0.1:$port/languages

Judge a C++ submission (sum of two numbers) and wait for the verdict:
    curl -s 'http://127.0.0.1:$port/submissions?wait=true' --json '{
      "language": "cpp",
      "source": "#include <iostream>\\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\\"\\\\n\\";}",
      "tests": [{"input": "1 2\\n", "expected_output": "3\\n"},
                {"input": "20 22\\n", "expected_output": "42\\n"}]}'

And a Python one, followed live as Server-Sent Events:
    id=\$(curl -s http://127.0.0.1:$port/submissions --json '{
      "language": "python", "source": "print(sum(map(int, input().split())))",
      "tests": [{"input": "1 2", "expected_output": "3"}]}' | sed 's/.*"id":"\\([0-9a-f]*\\)".*/\\1/')
    curl -sN http://127.0.0.1:$port/submissions/\$id/events

The admin API (drain a worker, the full fleet list, problems) is at
/admin/ with the token in $prefix/admin.token:
    curl -s -H "Authorization: Bearer \$(cat $prefix/admin.token)" \\
        http://127.0.0.1:$port/admin/workers

A problem with a hidden test, then a submission judged against it:
    curl -s -X PUT -H "Authorization: Bearer \$(cat $prefix/admin.token)" \\
        http://127.0.0.1:$port/admin/problems/add --json '{"title": "Add",
      "tests": [{"sample": true, "stdin": "1 2", "expected_output": "3"},
                {"stdin": "20 22", "expected_output": "42"}]}'
    curl -s "http://127.0.0.1:$port/problems/add/submissions?wait=true" \\
        --json '{"language": "python", "source": "print(sum(map(int, input().split())))"}'

Or with the command-line client (man cli/judge.1): work on that problem
with its samples run here first, then every test on the judge, live:
    export JUDGE_SERVER=http://127.0.0.1:$port
    mkdir add && cd add && echo 'print(sum(map(int, input().split())))' > main.py
    $build/judge init --cmd "python3 main.py" --problem add
    $build/judge test && $build/judge run

Clients of Judge0 CE and Piston work unchanged at /judge0/ and /api/v2/:
    curl -s 'http://127.0.0.1:$port/judge0/submissions?wait=true' \\
        --json '{"language_id": 71, "source_code": "print(input())", "stdin": "hi"}'
    curl -s http://127.0.0.1:$port/api/v2/execute --json '{"language": "python",
      "version": "3.x", "files": [{"content": "print(42)"}]}'

Stop it with: make stop
MSG
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
