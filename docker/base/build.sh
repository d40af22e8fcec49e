#!/usr/bin/env bash
# Builds ngx-judge/base:bookworm, the image the others start FROM, without
# any registry: a Debian 12 root file system made by debootstrap
# (--variant=minbase) from the Debian archive the host's apt uses, trimmed
# (documentation, man pages, locales, apt's lists and caches) and imported
# with "docker import".
#
# The image carries a label with the hash of this script and of the
# mirror: when the image already has it, nothing is done.  The trimmed tree
# is kept as a tarball in $JUDGE_DOCKER_CACHE (/var/cache/ngx-judge) under
# that hash, so the image is imported again without debootstrap after a
# "docker rmi".
#
#   docker/base/build.sh [IMAGE]      (default ngx-judge/base:bookworm)

set -euo pipefail

image=${1:-ngx-judge/base:bookworm}
cache=${JUDGE_DOCKER_CACHE:-/var/cache/ngx-judge}
suite=bookworm
label=org.ngx-judge.inputs

# The host's mirrors: deb822 "URIs:" lines and one-line "deb URI suite"
# entries of /etc/apt/sources.list*, the main archive and the security one.
host_uris() {
    {
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' \
            /etc/apt/sources.list.d/*.sources 2>/dev/null
        awk '$1 == "deb" { for (i = 2; i <= NF; i++)
                               if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    } | awk '!seen[$0]++'
}

mirror=$(host_uris | grep -v security | head -n 1 || true)
security=$(host_uris | grep security | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
security=${security:-http://deb.debian.org/debian-security}

hash=$( { cat "$0"; echo "$mirror $security"; } | sha256sum | cut -c1-16)

if [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" \
            "$image" 2>/dev/null)" = "$hash" ]
then
    echo "$image is up to date ($hash)"
    exit 0
fi

tarball=$cache/base-$suite-$hash.tar

if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || {
        echo "debootstrap is missing: scripts/dockerd.sh installs it" >&2
        exit 1
    }

    mkdir -p "$cache"
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    trap 'rm -rf "$root" "$tarball.tmp"' EXIT
    # the tree's top is the image's /, which every user must traverse
    chmod 755 "$root"

    echo "debootstrap $suite from $mirror"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" \
        > "$cache/debootstrap.log" 2>&1 || {
        tail -n 20 "$cache/debootstrap.log" >&2
        exit 1
    }

    cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF

    # what later apt-get installs in the images leave out, as this tree does
    cat > "$root/etc/dpkg/dpkg.cfg.d/01-ngx-judge-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
    cat > "$root/etc/apt/apt.conf.d/01-ngx-judge" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF

    find "$root/usr/share/doc" -mindepth 1 -not -name copyright \
        -not -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* \
           "$root"/usr/share/locale/* "$root"/usr/share/lintian/* \
           "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
           "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log \
           "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old

    tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
    trap - EXIT
    # older trees of this script are not used again
    find "$cache" -maxdepth 1 -name "base-$suite-*.tar" \
        -not -name "base-$suite-$hash.tar" -delete
fi

echo "importing $tarball as $image"
docker import \
    --change "LABEL $label=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    "$tarball" "$image"
