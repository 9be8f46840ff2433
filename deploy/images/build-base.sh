#!/usr/bin/env bash
# Builds the codi services' base image without Docker and without a registry: Debian's C and C++
# runtimes (libc6, libgcc-s1, libstdc++6, zlib1g: what the JVM and PyTorch's natives link against)
# and a Java 17 runtime made by jlink from the local JDK, written as a `docker save` tarball that
# Jib takes as `tar://` base (README, "Deploying"). Needs apt-get (Debian 12), dpkg-deb, a JDK 17.
#
#   deploy/images/build-base.sh            # writes target/images/codi-jre-base.tar
#   mvn -B package -Pimages -DskipTests -Dcodi.image.base=tar://$PWD/target/images/codi-jre-base.tar
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:-$ROOT/target/images}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
# Netty and Kafka need jdk.unsupported; TLS to the store and Kafka jdk.crypto.ec; process metrics jdk.management.
MODULES="java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.zipfs,jdk.net,jdk.naming.dns,jdk.jfr"

mkdir -p "$WORK/debs" "$WORK/rootfs" "$OUT"
(cd "$WORK/debs" && apt-get download -q libc6 libgcc-s1 libstdc++6 zlib1g 2>/dev/null)
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$WORK/rootfs"
done
rm -rf "$WORK/rootfs/usr/share/doc" "$WORK/rootfs/usr/share/lintian" "$WORK/rootfs/usr/share/gdb"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$WORK/rootfs/opt/java"
mkdir -p "$WORK/rootfs/etc" "$WORK/rootfs/tmp" "$WORK/rootfs/opt/codi"
chmod 1777 "$WORK/rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncodi:x:10001:10001:codi:/opt/codi:/sbin/nologin\n' > "$WORK/rootfs/etc/passwd"
printf 'root:x:0:\ncodi:x:10001:\n' > "$WORK/rootfs/etc/group"

# One layer, in the deterministic form OCI layers take (sorted, numeric owners, fixed times).
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime='2026-01-01 00:00Z' -C "$WORK/rootfs" -cf "$WORK/layer.tar" .
LAYER_SHA="$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)"
cat > "$WORK/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"WorkingDir":"/opt/codi"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$LAYER_SHA"]},
 "history":[{"created":"2026-01-01T00:00:00Z","created_by":"deploy/images/build-base.sh: Debian libc6 libgcc-s1 libstdc++6 zlib1g, jlink $MODULES"}]}
JSON
cat > "$WORK/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["codi/jre-base:17"],"Layers":["layer.tar"]}]
JSON
tar -C "$WORK" -cf "$OUT/codi-jre-base.tar" manifest.json config.json layer.tar
echo "$OUT/codi-jre-base.tar ($(du -h "$OUT/codi-jre-base.tar" | cut -f1))"
