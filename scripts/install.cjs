// npm install hook: use a prebuilt binary when one loads on this machine, else build from source
// with node-gyp. Set npm_config_build_from_source=true (or run `npm rebuild --build-from-source`)
// to always build.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function prebuildLoads() {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return false;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.node'))) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, f))})`], { stdio: 'ignore' });
    if (r.status === 0) {
      console.log(`descent: using prebuilt ${path.relative(root, path.join(dir, f))}`);
      return true;
    }
  }
  return false;
}

const fromSource = /^(true|1)$/i.test(process.env.npm_config_build_from_source || '');
if (!fromSource && prebuildLoads()) process.exit(0);

console.log(`descent: building the native addon from source for ${process.platform}-${process.arch}`);
const gyp = process.platform === 'win32' ? 'node-gyp.cmd' : 'node-gyp';
const args = ['rebuild'];
// node-gyp downloads Node's headers unless told where they are; offline machines fail there. When
// nothing is configured and this Node ships its headers (Linux distributions, official tarballs),
// build against those.
const prefix = path.dirname(path.dirname(process.execPath));
const configured = process.env.npm_config_nodedir && !/^(undefined|null)?$/.test(process.env.npm_config_nodedir);
if (!configured && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(gyp, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.error(
    `descent: building from source failed on ${process.platform}-${process.arch} (Node ${process.versions.node}).\n` +
      'It needs python3, make and a C++17 compiler (g++ >= 9, clang >= 10 or MSVC 2019).\n' +
      'Install them and run `npm rebuild descent --build-from-source`.',
  );
  process.exit(r.status || 1);
}
