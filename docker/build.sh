#!/usr/bin/env bash
# Builds one image of docker/ from a build context the Makefile has staged
# (its Dockerfile and the files it copies), unless the image is already
# built from the same inputs: the hash of the context's files and of the
# image it starts FROM is kept in the image's label org.ngx-judge.inputs.
# No registry is asked for anything: every FROM is one of our images.
#
#   docker/build.sh IMAGE CONTEXT

set -euo pipefail

image=$1
context=$2
label=org.ngx-judge.inputs

from=$(awk 'toupper($1) == "FROM" { print $2; exit }' "$context/Dockerfile")
from_id=$(docker image inspect -f '{{.Id}}' "$from" 2>/dev/null) || {
    echo "$image starts FROM $from, which is not built" >&2
    exit 1
}

hash=$( { cd "$context" && find . -type f -printf '%p %m\n' | LC_ALL=C sort \
          && find . -type f -print0 | LC_ALL=C sort -z \
             | xargs -0 sha256sum; echo "$from_id"; } \
        | sha256sum | cut -c1-16)

if [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" \
            "$image" 2>/dev/null)" = "$hash" ]
then
    echo "$image is up to date ($hash)"
    exit 0
fi

# the build's RUN steps reach Debian's archive through the host's network:
# the daemon has no bridge (scripts/dockerd.sh)
docker build --force-rm --network host --label "$label=$hash" -t "$image" "$context"
