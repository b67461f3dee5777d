#!/usr/bin/env bash
# Installs every build and test dependency from Debian's archive, then configures and builds
# bpfscope in ./build. Run as root on Debian 12: `scripts/setup.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake make g++ pkg-config
  llvm-19-dev clang-19          # codegen (static LLVM components) and the bpf/ helpers
  zlib1g-dev libzstd-dev libxml2-dev libz3-dev libedit-dev libffi-dev libncurses-dev
  libbpf-dev libelf-dev libdw-dev
  bison flex
  libgtest-dev
  groff-base man-db             # `man -l man/bpfscope.8` in the docs test
  procps util-linux             # pgrep/unshare used by end-to-end tests
  python3                       # the end-to-end tests' workloads (sockets, ptys, TLS, timers)
  libcap2-bin                   # capsh: tests/e2e/capabilities.sh
  bpftool                       # tests/e2e/enum_names.sh reads the kernel's enums independently
  libclang-rt-19-dev            # ASan/UBSan/libFuzzer runtimes: tests/fuzz (BPFSCOPE_FUZZ=ON)
  qemu-system-x86 busybox-static xz-utils  # tests/vm: kernel probes in a QEMU guest
  golang-go                     # tests/e2e/uprobe_go.sh: uprobes/uretprobes on a Go program
  systemtap-sdt-dev             # tests/e2e/usdt.sh: <sys/sdt.h> probes in a C program
)

if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "setup.sh: not root, skipping apt-get (install: ${packages[*]})" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"

# The libFuzzer target of the front end (clang, ASan, UBSan), which ctest runs for a bounded
# time (fuzz.frontend_short); see tests/fuzz/README.md.
CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -DBPFSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz --target fuzz_frontend -j "$(nproc)"
