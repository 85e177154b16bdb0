#!/usr/bin/env bash
# Makes the frozen bundle's shared objects what Debian expects of shipped libraries (lintian's
# errors), run by scripts/package.sh inside the build root on build/dist/tingduan:
#   - stripped (strip --strip-unneeded): only objects that still carry a symbol table, so the
#     ones a wheel already stripped and patched (auditwheel's *.libs) are left as they are; never
#     the PyInstaller bootloader (`tingduan`), whose archive is appended to it;
#   - no absolute RUNPATH/RPATH: the CPython build's /opt/python/lib exists only in the build
#     root, and on a hall PC that has such a folder the bundle would load someone else's
#     libraries; $ORIGIN entries (PySide6's, the wheels' own) stay. The bundled libraries are
#     found in the bundle's own folder, where the bootloader points the loader;
#   - linked against libc: CPython links with --as-needed, so a module whose libc calls are all
#     satisfied by libpthread/librt/libm (glibc 2.31 exports them there too) names no libc.so.6;
#     it is added as NEEDED, which changes nothing at run time (libc is always loaded);
#   - mode 0644 (wheels ship them 0755; a library is not run).
# Prints what it changed and checks each changed object still loads (dlopen).
set -euo pipefail
bundle=${1:?usage: tidy-bundle.sh BUNDLE_DIR}
cd "$bundle"

is_shared_object() { readelf -h "$1" 2>/dev/null | grep -q 'Type:[[:space:]]*DYN'; }

changed=()
stripped=0 rpaths=0 libc=0 modes=0
while IFS= read -r -d '' f; do
  is_shared_object "$f" || continue
  touched=""
  if readelf -S -W "$f" | grep -q ' \.symtab '; then
    strip --strip-unneeded "$f"
    stripped=$((stripped + 1)); touched=1
  fi
  # RUNPATH/RPATH: keep only the entries relative to the object's own folder
  path=$(readelf -d -W "$f" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' | head -1)
  if [ -n "$path" ]; then
    keep=$(tr ':' '\n' <<<"$path" | grep -E '^\$(ORIGIN|\{ORIGIN\})' | paste -sd: || true)
    if [ "$keep" != "$path" ]; then
      if [ -n "$keep" ]; then patchelf --set-rpath "$keep" "$f"; else patchelf --remove-rpath "$f"; fi
      rpaths=$((rpaths + 1)); touched=1
    fi
  fi
  needed=$(readelf -d -W "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  if [ -n "$needed" ] && ! grep -qx 'libc\.so\.6' <<<"$needed"; then
    patchelf --add-needed libc.so.6 "$f"
    libc=$((libc + 1)); touched=1
  fi
  if [ -x "$f" ]; then chmod 0644 "$f"; modes=$((modes + 1)); fi
  [ -z "$touched" ] || changed+=("$f")
done < <(find _internal -type f \( -name '*.so' -o -name '*.so.*' \) -print0)

echo "tidy-bundle: stripped $stripped, RUNPATH fixed $rpaths, libc.so.6 added $libc, mode 0644 $modes"

# every changed object still loads: extension modules in this interpreter (it has the same
# libpython), libraries with the bundle's folder on the search path as the bootloader sets it
if [ ${#changed[@]} -gt 0 ]; then
  LD_LIBRARY_PATH="$PWD/_internal" "${PYTHON:-python3}" - "${changed[@]}" <<'EOF'
import ctypes, sys
bad = []
for path in sys.argv[1:]:
    try:
        ctypes.CDLL("./" + path, mode=ctypes.RTLD_GLOBAL)
    except OSError as error:
        bad.append(f"{path}: {error}")
if bad:
    sys.exit("tidy-bundle: changed objects that no longer load:\n  " + "\n  ".join(bad))
print(f"tidy-bundle: {len(sys.argv) - 1} changed objects load")
EOF
fi
