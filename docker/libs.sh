#!/usr/bin/env bash
# Prints the Debian packages holding the shared libraries FILE... link
# against (ldd), one a line: what an image needs to run binaries built on
# this Debian 12 host.
#
#   docker/libs.sh FILE...

set -euo pipefail

for file in "$@"; do
    ldd "$file" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r lib; do
    real=$(readlink -f "$lib")
    # usr-merged: dpkg knows a file by the path its package ships it at
    dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null \
        || dpkg -S "/usr$real" 2>/dev/null || {
        echo "no package holds $lib" >&2
        exit 1
    }
done | cut -d: -f1 | sort -u
