#!/usr/bin/env bash
# Build the Debian package of 厅端 (`./dev package`): a PyInstaller --onedir bundle made inside a
# Debian 11 (bullseye, glibc 2.31) root, so it runs on every hall PC whose glibc is 2.31 or newer,
# laid out the way 统信UOS and 银河麒麟 expect (/opt/apps/<appid>/{files,entries,info}).
#
#   scripts/package.sh            build dist/tingduan_<version>_amd64.deb
#   scripts/package.sh freeze     only the frozen bundle (build/freeze/tingduan/)
#   scripts/package.sh stage      only the package around the bundle already frozen
#
# Slow steps are cached under $TINGDUAN_BUILD_CACHE (default /var/cache/tingduan-build, made
# here): the build root (mmdebstrap, ~30 s) and its own CPython 3.11 (Debian 12's source with
# Debian's security patches, ~5 min on two cores: Debian 11 ships Python 3.9 and the program
# needs 3.11). Every build first brings the cached root up to date from the security archive
# (the bundled libssl, libffi, zlib … are the root's), and rebuilds CPython when Debian has
# released a newer python3.11; the package's version says which runtime it carries. Needs root,
# mmdebstrap, dpkg-deb and the Debian mirrors and PyPI.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
what=${1:-deb}

say() { printf '[package] %s\n' "$*" >&2; }

APPID=cn.gov.tingduan
MAINTAINER_MAIL=${TINGDUAN_MAINTAINER_MAIL:-tingduan@tingduan.invalid}
SUITE=bullseye                  # the oldest target: glibc 2.31 (UOS 20 1050+, Kylin V10 SP1)
GLIBC_FLOOR=2.31
PYSIDE=6.9.3                    # the newest PySide6 whose wheels need only glibc 2.28
PYINSTALLER=6.16.0
PY_SRC=python3.11               # Debian source package whose upstream tarball we build
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://security.debian.org/debian-security}
cache=${TINGDUAN_BUILD_CACHE:-/var/cache/tingduan-build}
mkdir -p "$cache"  # mmdebstrap needs the target's parent to exist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
arch=$(dpkg --print-architecture)

build_pkgs=(build-essential libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev
  libsqlite3-dev libexpat1-dev uuid-dev swig libpcsclite-dev pkg-config binutils patchelf
  ca-certificates xz-utils
  libusb-1.0-0 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0
  libxcb-xinerama0 libxcb-xkb1)
# the tools of the build itself (this script runs as root, like apt-get)
need=()
for tool in mmdebstrap:mmdebstrap dpkg-deb:dpkg objdump:binutils hyperfine:hyperfine; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# the build root's sources: the release, its point updates and the security archive
sources=("deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main"
         "deb $SECURITY $SUITE-security main")
# (build_pkgs are made sure of at every build, so adding one does not start a new root)
key=$(printf '%s\n' "${sources[@]}" "$PY_SRC" | sha256sum | cut -c1-12)
# how CPython is configured: a change rebuilds it (system expat: Debian 11's, with its security
# fixes, not the copy in CPython's tarball)
PY_CONFIGURE="--enable-shared --with-system-expat"
root=$cache/root-$SUITE-$key

mounted=()
cleanup() {
  local m
  for ((i=${#mounted[@]}-1; i>=0; i--)); do m=${mounted[i]}; umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT

in_root() {  # run a shell snippet inside the build root, with /dev, /proc and the host's DNS
  if [ ${#mounted[@]} -eq 0 ]; then
    mount --bind /dev "$root/dev" && mounted+=("$root/dev")
    mount -t proc proc "$root/proc" && mounted+=("$root/proc")
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # the host's trust store for pip (a site may reach PyPI through its own TLS proxy)
    cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/build-ca.crt"
  fi
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/opt/python/bin:/usr/bin:/bin LANG=C.UTF-8 \
    PIP_CERT=/etc/ssl/certs/build-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_DEFAULT_TIMEOUT=180 /bin/bash -euo pipefail -c "$1"
}

make_root() {
  if [ ! -d "$root" ]; then
    rm -rf "$root.tmp"
    say "build root: mmdebstrap $SUITE (+updates, +security) into $root"
    mmdebstrap --quiet --variant=apt --include="$(IFS=,; echo "${build_pkgs[*]}")" \
      "$SUITE" "$root.tmp" "${sources[@]}"
    mv "$root.tmp" "$root"
  fi
  say "build root: security and point updates"
  in_root "apt-get update -qq && export DEBIAN_FRONTEND=noninteractive &&
    apt-get upgrade -y -qq >/dev/null &&
    apt-get install -y -qq --no-install-recommends ${build_pkgs[*]} >/dev/null"
  python_source
}

# CPython 3.11 from Debian 12's python3.11 source package (bookworm + bookworm-security): the
# upstream tarball plus Debian's bug and security patches (the series from shutdown-deadlock.diff
# on; the earlier ones only change Debian's install layout). Rebuilt when Debian releases a newer one.
python_source() {
  local src=$cache/src; mkdir -p "$src/lists"
  printf 'deb-src %s\n' "$MIRROR bookworm main" "$MIRROR bookworm-updates main" \
    "$SECURITY bookworm-security main" >"$src/sources.list"
  local o=(-o "Dir::Etc::SourceList=$src/sources.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$src/lists" -o "Dir::Cache=$src/cache")
  apt-get "${o[@]}" update -qq
  # the newest source whose files can be had (a mirror may list a release it does not hold yet)
  local versions v want="" have; have=$(cat "$root/opt/python/DEBIAN_SOURCE" 2>/dev/null || true)
  versions=$(apt-cache "${o[@]}" showsrc "$PY_SRC" | sed -n 's/^Version: //p' | sort -urV)
  for v in $versions; do
    if [ -x "$root/opt/python/bin/python3.11" ] && [ "$have" = "${PY_SRC}_$v $PY_CONFIGURE" ]; then
      say "build root: CPython from $have (cached)"; return
    fi
    rm -f "$src"/${PY_SRC}_*
    if (cd "$src" && apt-get "${o[@]}" source --download-only -qq "$PY_SRC=$v" >/dev/null 2>&1); then
      want=${PY_SRC}_$v; break
    fi
    say "Debian's ${PY_SRC}_$v is listed but cannot be fetched; trying an older one"
  done
  [ -n "$want" ] || { say "no $PY_SRC source could be fetched"; exit 1; }
  say "fetched Debian's $want"
  rm -rf "$root/tmp/pysrc" && mkdir -p "$root/tmp/pysrc"
  cp "$src"/${PY_SRC}_*.orig.tar.* "$root/tmp/pysrc/python.tar"
  cp "$src"/${PY_SRC}_*.debian.tar.* "$root/tmp/pysrc/debian.tar"
  say "building CPython ($want) inside the root (a few minutes)"
  rm -rf "$root/opt/python" "$root/opt/venv"
  in_root "cd /tmp/pysrc && mkdir py && tar -xf python.tar -C py --strip-components=1 &&
    tar -xf debian.tar && cd py &&
    sed -n '/^shutdown-deadlock.diff\$/,\$p' ../debian/patches/series | grep -v '^#' |
      while read -r p; do patch -p1 -s --batch <../debian/patches/\$p; done &&
    # Debian builds pyexpat into the interpreter; as the shared module it is here, the fix that
    # includes internal headers needs the define 3.12 has at the top of pyexpat.c
    if grep -q 'pycore_' Modules/pyexpat.c && ! grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c; then
      sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\\n#  define Py_BUILD_CORE_MODULE 1\\n#endif' Modules/pyexpat.c
    fi &&
    ./configure -q --prefix=/opt/python $PY_CONFIGURE LDFLAGS=-Wl,-rpath,/opt/python/lib \
      >/tmp/configure.log && make -s -j\"\$(nproc)\" >/tmp/make.log 2>&1 &&
    make -s install >/tmp/install.log 2>&1 && cd / && rm -rf /tmp/pysrc &&
    echo '$want $PY_CONFIGURE' >/opt/python/DEBIAN_SOURCE &&
    /opt/python/bin/python3.11 -c 'import ssl, sqlite3, lzma, bz2, ctypes, uuid, pyexpat
print(ssl.OPENSSL_VERSION, pyexpat.EXPAT_VERSION)'"
}

freeze() {
  make_root
  say "copying the source tree into the root"
  rm -rf "$root/src" && mkdir -p "$root/src"
  git ls-files -co --exclude-standard -z | grep -zv '^tests/' | \
    (cd "$top" && xargs -0 cp --parents -t "$root/src")
  in_root "
    cd /src
    [ -x /opt/venv/bin/python ] || /opt/python/bin/python3.11 -m venv /opt/venv
    /opt/venv/bin/pip install -q --upgrade pip
    /opt/venv/bin/pip install -q 'pyinstaller==$PYINSTALLER' 'PySide6-Essentials==$PYSIDE' \
      libusb-package
    # the translations, compiled here: git ignores the .qm files, and the frozen program has no
    # lrelease to make them (without them every screen speaks English)
    for ts in resources/i18n/*.ts; do
      /opt/venv/bin/pyside6-lrelease -silent \"\$ts\" -qm \"\${ts%.ts}.qm\"
    done
    /opt/venv/bin/pip install -q .
    /opt/venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
      --distpath /src/build/dist --workpath /src/build/work packaging/tingduan.spec
    # shipped libraries as Debian expects them: stripped, no build-root RUNPATH, linked against
    # libc, not executable (lintian's errors; the reasons are in the script)
    PYTHON=/opt/venv/bin/python bash packaging/linux/tidy-bundle.sh /src/build/dist/tingduan
    /src/build/dist/tingduan/tingduan --help >/dev/null"
  rm -rf build/freeze && mkdir -p build/freeze
  cp -a "$root/src/build/dist/tingduan" build/freeze/
  local ts qm
  for ts in resources/i18n/*.ts; do  # every catalog of the source is in the bundle
    qm=$(basename "${ts%.ts}.qm")
    [ -s "build/freeze/tingduan/_internal/resources/i18n/$qm" ] || { say "not in the bundle: $qm"; exit 1; }
  done
  local floor; floor=$(find build/freeze/tingduan -type f \( -name '*.so*' -o -name tingduan \) \
    -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
  say "frozen: build/freeze/tingduan ($(du -sh build/freeze/tingduan | cut -f1)), newest glibc symbol $floor"
  # which bundled file needs which glibc (the measure behind GLIBC_FLOOR; see README)
  find build/freeze/tingduan -type f \( -name '*.so*' -o -name tingduan \) | while read -r f; do
    printf '%s %s\n' "$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)" \
      "${f#build/freeze/tingduan/}"
  done | sort -V >build/freeze/glibc-needs.txt
}

# The runtime the bundle carries: the Debian packages its shared libraries come from (with their
# versions: the security fixes it has), the CPython source, PySide6 and PyInstaller.
runtime_manifest() {
  echo "python3.11 $(cut -d' ' -f1 "$root/opt/python/DEBIAN_SOURCE" | sed 's/^python3.11_//') (CPython built with Debian's patches)"
  echo "PySide6-Essentials $PYSIDE (Qt $PYSIDE, LGPL-3)"
  echo "PyInstaller $PYINSTALLER"
  in_root "cd /src/build/dist/tingduan && find . -name 'lib*.so*' -printf '%f\n' | sort -u |
    while read -r f; do { dpkg -S \"*/\$f\" 2>/dev/null || true; } | head -1 | cut -d: -f1; done |
    sort -u |
    xargs -r dpkg-query -W -f '\${Package} \${Version}\n'"
}

# The package's version says what changed: <program>+git<commit time>.<commit>-rt<runtime date>.
# The runtime date moves when the bundled runtime changes (a security fix in the build root,
# a newer CPython patch level): a rebuild for a fix sorts above the package it replaces and its
# changelog names the packages that changed.
package_version() {
  local manifest=$cache/runtime-$key.manifest stamp=$cache/runtime-$key.stamp
  if ! cmp -s build/freeze/RUNTIME "$manifest"; then
    [ -f "$manifest" ] && cp "$manifest" "$manifest.previous"
    cp build/freeze/RUNTIME "$manifest"
    date -u +%Y%m%d%H%M >"$stamp"
  fi
  local when; when=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M)
  local dirty=""; [ -z "$(git status --porcelain --untracked-files=no)" ] || dirty=.modified
  echo "${version}+git${when}.$(git rev-parse --short=8 HEAD)${dirty}-rt$(cat "$stamp")"
}

changelog() {  # $1: the package version
  local manifest=$cache/runtime-$key.manifest
  printf '%s (%s) stable; urgency=medium\n\n' "$APPID" "$1"
  printf '  * Program: commit %s (%s), tingduan %s.\n' "$(git rev-parse HEAD)" \
    "$(TZ=UTC git log -1 --format=%cd --date=format-local:'%Y-%m-%d %H:%M UTC')" "$version"
  if [ -f "$manifest.previous" ] && ! cmp -s "$manifest.previous" "$manifest"; then
    printf '  * Runtime changed since the previous build:\n'
    diff "$manifest.previous" "$manifest" | sed -n 's/^> /    - now /p; s/^< /    - was /p'
  fi
  printf '  * Runtime (built on Debian 11 %s with its security archive):\n' "$SUITE"
  sed 's/^/    - /' "$manifest"
  printf '\n -- 厅端 <%s>  %s\n' "$MAINTAINER_MAIL" "$(date -u -R)"
}

deb() {
  freeze
  stage
}

stage() {  # the package around the bundle in build/freeze (`stage` alone: after a freeze)
  [ -x build/freeze/tingduan/tingduan ] || { say "no bundle in build/freeze: run freeze"; exit 1; }
  runtime_manifest >build/freeze/RUNTIME
  local stage=build/deb/stage opt="opt/apps/$APPID" doc="usr/share/doc/$APPID"
  local pv; pv=$(package_version)
  rm -rf build/deb && mkdir -p "$stage/DEBIAN" "$stage/$opt/files" \
    "$stage/$opt/entries/applications" "$stage/$opt/entries/icons/hicolor/scalable/apps" \
    "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/xdg/autostart" \
    "$stage/lib/udev/rules.d" "$stage/usr/share/applications" "$stage/etc/default" \
    "$stage/$doc"
  cp -a build/freeze/tingduan/. "$stage/$opt/files/"
  install -m 0644 build/freeze/RUNTIME "$stage/$opt/files/RUNTIME"
  install -m 0644 packaging/linux/tingduan-hub.default "$stage/etc/default/tingduan-hub"
  install -m 0644 packaging/linux/copyright "$stage/$doc/copyright"
  install -D -m 0644 packaging/linux/lintian-overrides "$stage/usr/share/lintian/overrides/$APPID"
  changelog "$pv" | gzip -9n >"$stage/$doc/changelog.Debian.gz" && chmod 0644 "$stage/$doc/changelog.Debian.gz"
  install -m 0755 packaging/linux/tingduan-session "$stage/$opt/files/tingduan-session"
  install -m 0644 README.md "$stage/$opt/files/README.md"
  ln -s "/$opt/files/tingduan" "$stage/usr/bin/tingduan"
  install -m 0644 packaging/linux/tingduan-hub.service packaging/linux/tingduan-sync.service \
    "$stage/lib/systemd/system/"
  install -m 0644 packaging/linux/tingduan-kiosk.desktop packaging/linux/tingduan-display.desktop \
    "$stage/etc/xdg/autostart/"
  install -m 0644 packaging/linux/60-tingduan-readers.rules "$stage/lib/udev/rules.d/"
  install -m 0644 packaging/linux/app.desktop "$stage/$opt/entries/applications/$APPID.desktop"
  ln -s "/$opt/entries/applications/$APPID.desktop" "$stage/usr/share/applications/$APPID.desktop"
  install -m 0644 packaging/icons/tingduan.svg \
    "$stage/$opt/entries/icons/hicolor/scalable/apps/$APPID.svg"
  sed -e "s/@APPID@/$APPID/g" -e "s/@VERSION@/$pv/g" -e "s/@ARCH@/$arch/g" \
    packaging/linux/info.json >"$stage/$opt/info"
  local size; size=$(du -sk "$stage" | cut -f1)
  # the template folds Depends/Recommends for reading; a binary package's relation fields are
  # one line each (lintian: multiline-field), so their continuation lines are joined here
  sed -e "s/@VERSION@/$pv/g" -e "s/@ARCH@/$arch/g" -e "s/@SIZE@/$size/g" \
    -e "s/@GLIBC@/$GLIBC_FLOOR/g" -e "s/@APPID@/$APPID/g" -e "s/@MAIL@/$MAINTAINER_MAIL/g" \
    packaging/linux/control | awk '
      /^[^ ]/ { if (line != "") print line; line = $0; join = ($0 ~ /^(Pre-)?(Depends|Recommends|Suggests):/); next }
      join { sub(/^ +/, " "); line = line $0; next }
      { print line; line = $0 }
      END { if (line != "") print line }' >"$stage/DEBIAN/control"
  for s in postinst prerm postrm; do install -m 0755 "packaging/linux/$s" "$stage/DEBIAN/$s"; done
  # dpkg keeps a technician's edits of these over upgrades and removes them on purge
  printf '%s\n' /etc/default/tingduan-hub /etc/xdg/autostart/tingduan-kiosk.desktop \
    /etc/xdg/autostart/tingduan-display.desktop >"$stage/DEBIAN/conffiles"
  mkdir -p dist
  rm -f dist/"${APPID}"_*.deb  # one package in dist/: the one just built
  local out="dist/${APPID}_${pv}_${arch}.deb"
  # xz, not zstd: the dpkg of UOS 20 (1.19) cannot read zstd members
  dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$out" >/dev/null
  say "built $out ($(du -h "$out" | cut -f1); installed ${size} KiB; glibc >= $GLIBC_FLOOR)"
  echo "$out"
}

case "$what" in
  deb) deb ;;
  freeze) freeze ;;
  stage) stage ;;
  root) make_root ;;
  *) echo "usage: scripts/package.sh [deb|freeze|stage|root]" >&2; exit 2 ;;
esac
