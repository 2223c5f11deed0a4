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
const r = spawnSync(gyp, ['rebuild'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.error(
    `descent: building from source failed on ${process.platform}-${process.arch} (Node ${process.versions.node}).\n` +
      'It needs python3, make and a C++17 compiler (g++ >= 9, clang >= 10 or MSVC 2019).\n' +
      'Install them and run `npm rebuild descent --build-from-source`.',
  );
  process.exit(r.status || 1);
}
