#!/usr/bin/env node
'use strict';
/**
 * Builds the native compute addon (binding.gyp -> build/Release/memrec_native.node) with node-gyp. Run by
 * `npm ci` (the package's install script) and `make native`; plain JS because it runs before tsc. Prints one
 * line and always exits 0: without the addon, memrec runs on tfjs's own kernels.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const addonFile = path.join(root, 'build', 'Release', 'memrec_native.node');
const logFile = path.join(root, 'build', 'native-build.log');

/** How to run node-gyp: the one npm names in its scripts, npm's bundled copy, or one on PATH. */
function nodeGyp() {
  const bundled = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp'), // Windows
  ].map((dir) => path.join(dir, 'bin', 'node-gyp.js'));
  const script = [process.env.npm_config_node_gyp, ...bundled].find((file) => file && existsSync(file));
  return script ? { command: process.execPath, args: [script] } : { command: 'node-gyp', args: [] };
}

/** Headers installed beside this node (Debian's nodejs, the official tarballs), so node-gyp need not download. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.join(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : [];
}

/** The most telling line of a failed build: a compiler, Python or missing-tool error, else node-gyp's own. */
function failureReason(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const telling = [/\berror\b:/, /^[A-Za-z]+Error: /, /No such file or directory|not found/]
    .map((pattern) => lines.find((line) => pattern.test(line) && !line.startsWith('gyp')))
    .find(Boolean);
  const gyp = lines.find((line) => line.startsWith('gyp ERR! stack Error:'))?.replace('gyp ERR! stack Error: ', '');
  const line = telling ?? gyp ?? lines[lines.length - 1] ?? 'no output';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

function build() {
  if (process.env.MEMREC_NATIVE === 'off') return 'native kernels not built (MEMREC_NATIVE=off)';
  const { command, args } = nodeGyp();
  const result = spawnSync(command, [...args, 'rebuild', ...nodedirArgs()], { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, output);
  if (result.status !== 0 || !existsSync(addonFile)) {
    const reason = result.error ? `cannot run ${command}: ${result.error.message}` : failureReason(output);
    return `native kernels not built, tfjs kernels will be used (${reason}; log: ${path.relative(root, logFile)})`;
  }
  try {
    return `native kernels built (${require(addonFile).info().blas})`;
  } catch (err) {
    return `native kernels built but failed to load (${String(err.message).split('\n')[0]})`;
  }
}

console.log(`memrec: ${build()}`);
