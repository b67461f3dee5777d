#!/usr/bin/env bash
# Builds (once) what the kernel-probe VM lane boots, into a cache directory:
#   CACHE/vmlinuz          Debian's stock 6.1 kernel (kprobes, kprobe_events, fentry, BTF)
#   CACHE/initramfs.cpio.gz  busybox-static, the virtio/9p modules, and tests/vm/init
# Usage: tests/vm/prepare.sh CACHE_DIR
# The kernel package is fetched with `apt-get download` only when it is not in the cache yet;
# the initramfs is rebuilt when tests/vm/init is newer than it.
set -euo pipefail

KERNEL_PACKAGE=linux-image-6.1.0-50-amd64-unsigned
# Loaded in this order: each needs the ones before it.
MODULES=(virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache
  9pnet 9pnet_virtio 9p)

cache=${1:?usage: prepare.sh CACHE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "prepare.sh: $1 is missing (install the Debian package $2; see scripts/setup.sh)" >&2
    exit 2
  }
}
need busybox busybox-static
need xz xz-utils
need dpkg-deb dpkg

# 1. The kernel package, downloaded once.
deb=$(ls "$cache"/deb/${KERNEL_PACKAGE}_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  mkdir -p "$cache/deb"
  echo "prepare.sh: downloading $KERNEL_PACKAGE (once)" >&2
  (cd "$cache/deb" && apt-get download -q "$KERNEL_PACKAGE" >&2) || {
    echo "prepare.sh: apt-get download $KERNEL_PACKAGE failed (try apt-get update first)" >&2
    exit 2
  }
  deb=$(ls "$cache"/deb/${KERNEL_PACKAGE}_*.deb | head -1)
fi
if [ ! -d "$cache/kernel" ] || [ "$deb" -nt "$cache/kernel" ]; then
  rm -rf "$cache/kernel.tmp"
  dpkg-deb -x "$deb" "$cache/kernel.tmp"
  rm -rf "$cache/kernel"
  mv "$cache/kernel.tmp" "$cache/kernel"
fi
vmlinuz=$(ls "$cache"/kernel/boot/vmlinuz-* | head -1)
cp -f "$vmlinuz" "$cache/vmlinuz"

# 2. The initramfs: busybox, the modules (decompressed: busybox insmod may not read .ko.xz) and
#    the init script.
initramfs="$cache/initramfs.cpio.gz"
if [ ! -f "$initramfs" ] || [ "$here/init" -nt "$initramfs" ] || [ "$deb" -nt "$initramfs" ]; then
  root="$cache/initramfs.tmp"
  rm -rf "$root"
  mkdir -p "$root"/{bin,dev,proc,sys,host,modules}
  cp /bin/busybox "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  cp "$here/init" "$root/init"
  chmod +x "$root/init"
  moddir=$(ls -d "$cache"/kernel/lib/modules/*/kernel)
  order=()
  for m in "${MODULES[@]}"; do
    file=$(find "$moddir" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -1)
    if [ -z "$file" ]; then
      echo "prepare.sh: module $m not found in $KERNEL_PACKAGE" >&2
      exit 2
    fi
    case "$file" in
    *.xz) xz -dc "$file" >"$root/modules/$m.ko" ;;
    *.zst) zstd -dqc "$file" >"$root/modules/$m.ko" ;;
    *) cp "$file" "$root/modules/$m.ko" ;;
    esac
    order+=("$m")
  done
  printf '%s\n' "${order[@]}" >"$root/modules/order"
  (cd "$root" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null | gzip -1) >"$initramfs.tmp"
  mv "$initramfs.tmp" "$initramfs"
  rm -rf "$root"
fi
echo "$cache"
