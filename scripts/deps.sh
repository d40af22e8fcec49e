#!/usr/bin/env bash
# Installs (or checks for) every Debian package ngx_judge needs to build,
# run, test and benchmark.  Idempotent: installed packages are left alone.
#
#   scripts/deps.sh check     exit 1 when something is missing
#   scripts/deps.sh install   install what is missing

set -euo pipefail

packages=(
    # build
    gcc g++ make libc6-dev pkg-config
    nginx nginx-dev
    protobuf-c-compiler libprotobuf-c-dev
    libjansson-dev libhiredis-dev libseccomp-dev libssl-dev libpcre2-dev
    # run: the stock nginx above, languages the quickstart worker offers
    python3 redis-server curl ca-certificates
    # test
    perl libtest-base-perl libtext-diff-perl libtest-longstring-perl
    libhttp-message-perl openssl time
    # fuzz: clang with libFuzzer and the sanitizer runtimes, and the
    # symbolizer for readable reports
    clang libclang-rt-dev llvm
    # bench
    bubblewrap wrk
)

missing() {
    local p status
    for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || echo "$p"
    done
}

case "${1:-check}" in
check)
    [ -z "$(missing)" ]
    ;;
install)
    todo=$(missing)
    if [ -n "$todo" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "deps: missing packages: $todo (run as root)" >&2
            exit 1
        fi
        echo "deps: installing $todo"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $todo >/dev/null
    fi
    ;;
*)
    echo "usage: $0 check|install" >&2
    exit 2
    ;;
esac
