#!/usr/bin/env bash
# Stages the image's own files under $2: a jlink'd Java runtime in /opt/java (with the JDK classes' class-data
# archive), the C libraries that runtime loads, copied from this machine, and an /etc/passwd naming the unprivileged
# user. The image has no other base: nothing is pulled from a registry, and no shell or package manager ships in it.
set -euo pipefail
jdk="$1"
root="$2"
modules="java.base,java.sql,java.naming,java.management,java.net.http,java.xml,java.logging,java.desktop"
modules+=",java.security.jgss,java.security.sasl,java.instrument,java.scripting,java.compiler,jdk.unsupported"
modules+=",jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.httpserver,jdk.zipfs,jdk.naming.dns,jdk.charsets"
modules+=",jdk.localedata"

if [ ! -x "$jdk/bin/jlink" ] || [ ! -d "$jdk/jmods" ]; then
  echo "stage-root.sh: $jdk has no jlink or no jmods; build the image with a full JDK 17 (Debian: openjdk-17-jdk)" >&2
  exit 1
fi
command -v ldd >/dev/null || { echo "stage-root.sh: ldd is missing (Debian: libc-bin)" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/home/billing"
"$jdk/bin/jlink" --add-modules "$modules" --output "$root/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive >/dev/null

# What the runtime links against, AWT's and sound's libraries aside: the server runs headless and never loads them.
libs=$(for f in "$root/opt/java/bin/java" $(find "$root/opt/java/lib" -name '*.so' \
    ! -name 'libawt*' ! -name 'libfontmanager.so' ! -name 'libjavajpeg.so' ! -name 'liblcms.so' \
    ! -name 'libmlib_image.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' ! -name 'libjawt.so'); do
  ldd "$f"
done | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | sort -u)
for lib in $libs; do
  case "$lib" in "$root"*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The AWT, sound and font libraries would fail to load without their X11 dependencies: leave them out.
find "$root/opt/java/lib" \( -name 'libawt*' -o -name 'libfontmanager.so' -o -name 'libjavajpeg.so' \
  -o -name 'liblcms.so' -o -name 'libmlib_image.so' -o -name 'libsplashscreen.so' -o -name 'libjsound.so' \
  -o -name 'libjawt.so' \) -delete

echo 'root:x:0:0:root:/root:/sbin/nologin' > "$root/etc/passwd"
echo 'billing:x:65532:65532:billing:/home/billing:/sbin/nologin' >> "$root/etc/passwd"
printf 'root:x:0:\nbilling:x:65532:\n' > "$root/etc/group"
