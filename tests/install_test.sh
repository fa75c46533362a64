#!/bin/sh
# meson install into a temporary prefix, then use only what was installed:
# the source and build trees are hidden (a tmpfs over them, in a private
# mount namespace, when unshare(1) may do that; otherwise the installed
# binary is merely run far from them, with no WENSHU_* or FONTCONFIG_FILE
# variables).  Renders every kind, runs a packet, and builds the
# out-of-tree plugin of docs/plugins.md (examples/plugin/) against the
# installed wenshu-plugin.pc, which the installed binary then loads.
#
# usage: install_test.sh SOURCE_DIR BUILD_DIR PREFIX BINDIR LIBDIR
set -eu
SRC=$1 BUILD=$2 PREFIX=$3 BINDIR=$4 LIBDIR=$5

T=$(mktemp -d /tmp/wenshu-install-XXXXXX)
chmod 755 "$T"
meson install -C "$BUILD" --no-rebuild --destdir "$T/stage" >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; exit 1; }
# A relocated tree: the staged prefix moved to a folder of its own.
mv "$T/stage$PREFIX" "$T/prefix"
P=$T/prefix
for f in "$BINDIR/wenshu" "$LIBDIR/libwenshu.so" "$LIBDIR/pkgconfig/wenshu.pc" "$LIBDIR/pkgconfig/wenshu-plugin.pc" \
         include/wenshu/wenshu.h include/wenshu/plugin-abi.h share/wenshu/fonts/fonts.conf \
         share/wenshu/layouts/note.yaml share/man/man1/wenshu.1 share/man/man5/wenshu-layout.5; do
	[ -e "$P/$f" ] || { echo "not installed: $f"; exit 1; }
done
ls "$P"/share/bash-completion/completions/wenshu "$P"/share/*/bash-completion/completions/wenshu 2>/dev/null | grep -q . ||
	{ echo "bash completion not installed"; exit 1; }
ls "$P/$LIBDIR"/wenshu/plugins/*.so >/dev/null

# What the test needs from the source tree, copied before it is hidden.
mkdir -p "$T/work" "$T/home"
cp "$SRC/examples/data/self-beijing.yaml" "$SRC/examples/data/delegated-shanghai.yaml" "$T/work/"
cp -r "$SRC/examples/plugin" "$T/plugin-src"
cp -r "$BUILD/test-cache" "$T/cache" 2>/dev/null || true   # prepared fonts: saves a minute

cat >"$T/run.sh" <<INNER
set -eu
cd "$T/work"
W="$P/$BINDIR/wenshu"
# Nothing of the source tree is reachable (or, without a namespace, used).
if [ -n "\${HIDDEN:-}" ] && [ -e "$SRC/layouts/note.yaml" ]; then echo "source tree still visible"; exit 1; fi
"\$W" list kinds > kinds.txt
test -s kinds.txt
n=0
for kind in \$(awk '{print \$1}' kinds.txt); do
	if "\$W" render "\$kind" --data self-beijing.yaml -o "out/\$kind.pdf" 2>"\$kind.err" ||
	   "\$W" render "\$kind" --data delegated-shanghai.yaml -o "out/\$kind.pdf" 2>>"\$kind.err"; then
		pdftotext "out/\$kind.pdf" - | grep -q . || { echo "\$kind: empty PDF"; exit 1; }
		n=\$((n + 1))
	else
		echo "\$kind did not render from the installed tree:"; cat "\$kind.err"; exit 1
	fi
done
echo "rendered \$n kinds"
"\$W" packet --data delegated-shanghai.yaml -o packet >/dev/null
ls packet/*.pdf >/dev/null
# Not found: the message names the installed folders, not the source tree.
if "\$W" render no-such-form --data self-beijing.yaml 2>nf.err; then exit 1; fi
grep -q "$P/share/wenshu/layouts (installed)" nf.err || { cat nf.err; exit 1; }
if grep -q "$SRC" nf.err; then echo "mentions the source tree:"; cat nf.err; exit 1; fi

# The out-of-tree plugin, built against the installed wenshu-plugin.pc.
PKG_CONFIG_PATH="$P/$LIBDIR/pkgconfig" meson setup "$T/plugin-build" "$T/plugin-src" >"$T/plugin-setup.log" 2>&1 ||
	{ cat "$T/plugin-setup.log"; exit 1; }
ninja -C "$T/plugin-build" >"$T/plugin-build.log" 2>&1 || { cat "$T/plugin-build.log"; exit 1; }
WENSHU_PLUGIN_PATH="$T/plugin-build" "\$W" list plugins | grep -q '^stamp' ||
	{ WENSHU_PLUGIN_PATH="$T/plugin-build" "\$W" list plugins; exit 1; }
WENSHU_PLUGIN_PATH="$T/plugin-build" "\$W" render "$T/plugin-src/stamped.yaml" --data self-beijing.yaml -o stamped.pdf
pdftotext stamped.pdf - | grep -q "已核验" || { echo "the plugin's element is not in the PDF"; exit 1; }
echo "out-of-tree plugin built and loaded"
INNER

clean_env="PATH=/usr/bin:/bin HOME=$T/home XDG_DATA_HOME=$T/home/data XDG_CACHE_HOME=$T/cache SOURCE_DATE_EPOCH=1741132800 LANG=C.UTF-8"
# The sanitizer build (tools/sanitize) keeps its settings: they are not
# wenshu's.  Its suppressions file is copied out of the tree to be hidden.
case "${LSAN_OPTIONS:-}" in
*suppressions=*)
	supp=${LSAN_OPTIONS#*suppressions=}
	supp=${supp%%:*}
	cp "$supp" "$T/lsan.supp"
	LSAN_OPTIONS=$(echo "$LSAN_OPTIONS" | sed "s|suppressions=$supp|suppressions=$T/lsan.supp|") ;;
esac
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
	eval "val=\${$v:-}"
	[ -n "$val" ] && clean_env="$clean_env $v=$val"
done
if unshare -m true 2>/dev/null; then
	# A private mount namespace: empty folders over the source and build trees.
	env -i $clean_env HIDDEN=1 unshare -m sh -c "mount -t tmpfs none '$SRC' && { [ -d '$BUILD/meson-private' ] && mount -t tmpfs none '$BUILD' || true; } && sh '$T/run.sh'"
else
	echo "note: unshare -m not permitted; the source tree stays visible but unused"
	env -i $clean_env sh "$T/run.sh"
fi
rm -rf "$T"
echo "1 passed, 0 failed"
