#!/usr/bin/env bash
# Installs what the webgpu backend needs to run on a machine without a GPU: the Vulkan loader (libvulkan1) and
# Mesa's software Vulkan driver, lavapipe (mesa-vulkan-drivers, Mesa >= 25: on Debian 12 from the
# bookworm-backports suite, since Dawn refuses Debian 12's own Mesa 22.3). For tests and development: it runs
# every kernel on the CPU, far slower than memrec's native backend. Needs root and apt-get; says in one line
# why not when it cannot, and exits 1. A machine with an NVIDIA driver needs only libvulkan1 (scripts/gpu-bench.sh).
set -euo pipefail

mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true; }
has_loader() { dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'ok installed'; }

version="$(mesa_version)"
if has_loader && [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
  echo "memrec: Vulkan loader and Mesa $version's software driver present"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "memrec: no apt-get here: install the Vulkan loader and Mesa >= 25's Vulkan drivers by hand for the webgpu tests"
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "memrec: not root: cannot install libvulkan1 and mesa-vulkan-drivers (>= 25) for the webgpu tests"
  exit 1
fi
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
target=()
if [ "$codename" = bookworm ]; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/memrec-bookworm-backports.sources
  fi
  target=(-t bookworm-backports)
fi
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${target[@]}" libvulkan1 mesa-vulkan-drivers; } >/tmp/memrec-install-vulkan.log 2>&1; then
  echo "memrec: apt-get could not install libvulkan1 and mesa-vulkan-drivers (see /tmp/memrec-install-vulkan.log)"
  exit 1
fi
version="$(mesa_version)"
if [ "${version%%.*}" -lt 25 ] 2>/dev/null; then
  echo "memrec: installed Mesa $version, older than the 25 Dawn accepts: the webgpu tests will skip"
  exit 1
fi
echo "memrec: installed the Vulkan loader and Mesa $version's software driver"
