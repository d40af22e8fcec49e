#!/usr/bin/env bash
# Installs (or checks for) every Debian package ngx_judge needs to build,
# run, test and benchmark, and the npm packages of the Piston client the
# tests run (t/dialects/client, as its package-lock.json says).  The web
# page's npm packages are installed by "make web" (web/package-lock.json).
# Idempotent: installed packages are left alone.
#
#   scripts/deps.sh check     exit 1 when something is missing
#   scripts/deps.sh install   install what is missing
#   scripts/deps.sh languages install that and the toolchain of every
#                             language of conf/languages.conf
#   scripts/deps.sh nginx-source DIR
#                             unpack the sources of the nginx release that
#                             nginx-dev's headers are of into DIR (for the
#                             module's unit tests and fuzz targets)

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
client=$root/t/dialects/client

packages=(
    # build
    gcc g++ make libc6-dev pkg-config
    nginx nginx-dev
    protobuf-c-compiler libprotobuf-c-dev
    libjansson-dev libhiredis-dev libseccomp-dev libssl-dev libpcre2-dev
    libarchive-dev libyaml-dev          # Kattis problem packages, the CLI
    libcurl4-openssl-dev                # the judge CLI's HTTP
    # run: the stock nginx above, languages the quickstart worker offers
    python3 redis-server curl ca-certificates
    # test
    perl libtest-base-perl libtext-diff-perl libtest-longstring-perl
    libhttp-message-perl openssl time
    zip                                 # Kattis packages of the unit tests
    libjson-validator-perl libyaml-libyaml-perl   # docs/openapi.yaml checks
    default-jdk-headless      # Java programs whose class is not Main
    nodejs npm                # a Piston client (t/dialects/client/), the
                              # web page's build (make web)
    chromium                  # the web page's browser tests (t/web/)
    tmux                      # the CLI's live tree, as a terminal shows it
    groff-base man-db         # judge(1) checked as man renders it
    # unit tests and fuzz targets of the module and the worker: clang with
    # libFuzzer and the sanitizer runtimes, llvm-symbolizer for reports
    clang libclang-rt-14-dev llvm
    # bench
    bubblewrap wrk
)

# The toolchains of conf/languages.conf beyond the few above (make
# languages): Debian 12's own packages, about 980 MB to download.
languages=(
    pypy3 node-typescript coffeescript golang-go rustc
    kotlin scala groovy clojure
    ruby php-cli lua5.4 luajit tcl gawk sqlite3 rakudo
    ghc ocaml-nox mono-mcs fpc gfortran gdc gobjc gnat nasm gnucobol3
    nim crystal valac polyml libpolyml-dev chicken-bin
    swi-prolog-nox sbcl guile-3.0 racket erlang-nox elixir
    r-base-core octave
)

# A package is there when dpkg has it installed; nodejs and npm also when
# their commands are (a node installed another way, which may bundle npm
# and conflict with Debian's packages, is kept).
missing() {
    local p status
    for p in "${packages[@]}"; do
        [ "$p" = nodejs ] && command -v node >/dev/null && continue
        [ "$p" = npm ] && command -v npm >/dev/null && continue
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || echo "$p"
    done
}

# The npm packages of t/dialects/client are installed as its lock file
# says when node_modules is missing or older than the lock file.
client_stale() {
    [ ! -f "$client/node_modules/.package-lock.json" ] \
        || [ "$client/package-lock.json" -nt \
             "$client/node_modules/.package-lock.json" ]
}

# Debian's source package of nginx, fetched with apt-get through a private
# state of its own (the machine's sources as deb-src), so that the system's
# apt configuration is left as it is.  Only the upstream tarball is used:
# nginx-dev's headers, Debian's patches applied, stay the ones compiled
# against.
nginx_source() {
    local dest=$1 version tmp apt v
    [ -f "$dest/src/core/ngx_palloc.c" ] && return 0

    version=$(sed -n 's/^#define NGINX_VERSION *"\(.*\)"/\1/p' \
                  /usr/share/nginx/src/src/core/nginx.h)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN

    mkdir -p "$tmp/sources" "$tmp/lists/partial" "$tmp/get"
    if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
            > "$tmp/sources/system.list"
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed 's/^Types: deb$/Types: deb-src/' "$f" \
            > "$tmp/sources/$(basename "$f")"
    done
    for f in /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^deb /deb-src /p' "$f" \
            > "$tmp/sources/$(basename "$f")"
    done

    apt=(-o "Dir::Etc::SourceList=/dev/null"
         -o "Dir::Etc::SourceParts=$tmp/sources"
         -o "Dir::State::Lists=$tmp/lists"
         -o "APT::Sandbox::User=root")
    apt-get "${apt[@]}" -qq update

    # any of Debian's revisions of the release has its tarball
    for v in $(apt-cache "${apt[@]}" showsrc nginx \
                   | sed -n "s/^Version: \(${version//./\\.}-.*\)/\1/p"); do
        (cd "$tmp/get" \
         && apt-get "${apt[@]}" -qq source --download-only --only-source \
                "nginx=$v" >/dev/null 2>&1) || true
        [ -f "$tmp/get/nginx_$version.orig.tar.gz" ] && break
    done

    if [ ! -f "$tmp/get/nginx_$version.orig.tar.gz" ]; then
        echo "deps: no source package of nginx $version found" >&2
        return 1
    fi

    tar -xzf "$tmp/get/nginx_$version.orig.tar.gz" -C "$tmp"
    rm -rf "$dest"
    mkdir -p "$(dirname "$dest")"
    mv "$tmp/nginx-$version" "$dest"
}

case "${1:-check}" in
check)
    [ -z "$(missing)" ] && ! client_stale
    ;;
install|languages)
    if [ "$1" = languages ]; then
        packages+=("${languages[@]}")
    fi
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
    if client_stale; then
        echo "deps: npm ci in t/dialects/client"
        (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
    fi
    ;;
nginx-source)
    nginx_source "${2:?usage: $0 nginx-source DIR}"
    ;;
*)
    echo "usage: $0 check|install|languages|nginx-source DIR" >&2
    exit 2
    ;;
esac
