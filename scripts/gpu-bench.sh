#!/usr/bin/env bash
# Measures memrec on a Linux x86-64 machine with an NVIDIA GPU (docs/gpu.md): the webgpu backend on the GPU
# against the native backend on all the machine's cores and PyTorch CUDA where python3 has it
# (scripts/bench/gpu-bench.ts says what is timed). Needs nothing on that machine but the NVIDIA driver: Node.js,
# the Vulkan loader and memrec come from the bundle `make gpu-bundle` prepares (gpu-bundle/memrec-gpu.tar.xz,
# about 30 MB), and Dawn is pointed at the driver's Vulkan ICD, or at an ICD file written here for the driver's
# libGLX_nvidia.so.0 where the system has none (a container started without the graphics capability).
#
# Usage: scripts/gpu-bench.sh [--bundle FILE] [--out DIR] [--quick]
#   --quick  small shapes on whatever Vulkan driver is here (Mesa's llvmpipe included): a check of the script
#            on a machine without a GPU, not a measurement
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=gpu-bundle/memrec-gpu.tar.xz
out="$PWD/results/bench"
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="$2"; shift 2 ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "gpu-bench: unknown argument $1 (expected --bundle FILE, --out DIR, --quick)" >&2; exit 2 ;;
  esac
done
[ -f "$bundle" ] || { echo "gpu-bench: no bundle at $bundle: run make gpu-bundle on a machine with npm and apt-get, and bring gpu-bundle/ here" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xJf "$bundle" -C "$work"
app="$work/memrec-gpu"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work}"

have_lib() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$1"; }
if ! have_lib 'libvulkan.so.1'; then
  echo "gpu-bench: no system Vulkan loader; using the bundle's"
  export LD_LIBRARY_PATH="$app/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

if [ "$quick" = 0 ] && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  icd="$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1 || true)"
  if [ -z "$icd" ]; then
    glx="$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk '/libGLX_nvidia\.so\.0 /{print $NF; exit}')"
    for dir in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib; do
      [ -z "$glx" ] && [ -e "$dir/libGLX_nvidia.so.0" ] && glx="$dir/libGLX_nvidia.so.0"
    done
    if [ -z "$glx" ]; then
      echo "gpu-bench: no NVIDIA Vulkan driver: no nvidia_icd.json and no libGLX_nvidia.so.0 (in a container, the NVIDIA runtime exposes it with NVIDIA_DRIVER_CAPABILITIES=all or =graphics,compute,utility)" >&2
      exit 1
    fi
    icd="$work/nvidia_icd.json"
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3"}}\n' "$glx" > "$icd"
    echo "gpu-bench: wrote a Vulkan ICD file for $glx"
  fi
  export VK_DRIVER_FILES="$icd"
fi

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu-bench: GPU /'
echo "gpu-bench: Node.js $("$app/node" --version), Vulkan driver ${VK_DRIVER_FILES:-chosen by the loader}"
args=(--out "$out")
[ "$quick" = 1 ] && args+=(--quick)
"$app/node" "$app/dist/scripts/bench/gpu-bench.js" "${args[@]}"
