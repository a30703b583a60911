#!/usr/bin/env bash
# Fetches Debian's redis-server (and redis-benchmark) into bench/compare/.redis without installing
# anything system-wide, for `bin/spool bench compare` on machines whose PATH has no redis-server:
# the comparison then runs on the Redis 7 that Debian ships rather than the embedded 6.2.
# Needs apt-get and dpkg-deb (Debian, Ubuntu). The binaries find their libraries through a wrapper.
set -euo pipefail
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/.redis"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v apt-get >/dev/null || { echo "fetch-redis: apt-get not found (not Debian-like)" >&2; exit 1; }
# apt-get download writes into the current directory; as root it warns that _apt cannot
# read it, which is harmless.
(cd "$work" && chmod 777 . && apt-get download redis-server redis-tools libjemalloc2 liblzf1 >&2)
rm -rf "$dest"
mkdir -p "$dest/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$dest/root"
done
# (Debian's redis-server is a link to redis-check-rdb: the binary picks its role by its name.)
for tool in redis-server redis-benchmark redis-cli; do
  cat >"$dest/$tool" <<WRAPPER
#!/bin/sh
# Debian's $tool, unpacked in $dest/root by fetch-redis.sh.
LD_LIBRARY_PATH="$dest/root/usr/lib/x86_64-linux-gnu:$dest/root/usr/lib/aarch64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" \\
  exec "$dest/root/usr/bin/$tool" "\$@"
WRAPPER
  chmod +x "$dest/$tool"
done
"$dest/redis-server" --version
