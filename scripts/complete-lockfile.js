#!/usr/bin/env node
// npm 11 `npm ci` refuses a lockfile that lacks entries for other platforms' optional
// native packages (e.g. @unrs/resolver-binding-darwin-arm64). The registry this project is
// developed against does not serve every platform build, so `npm install` leaves them out.
// This adds the missing entries (version + os/cpu, optional) so `npm ci` accepts the lock;
// on a platform that needs one, npm fetches it from the registry as usual.
// Run after `npm install`: node scripts/complete-lockfile.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;

function platformOf(name) {
  const n = name.split('/').pop();
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'].find((o) => n.includes(`-${o}-`) || n.endsWith(`-${o}`));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 's390x', 'riscv64', 'mips64el'].find((c) => n.includes(`-${c}-`) || n.endsWith(`-${c}`));
  const libc = /-musl/.test(n) ? 'musl' : /-gnu/.test(n) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    const base = key ? `${key}/node_modules/` : 'node_modules/';
    if (pkgs[`${base}${dep}`] || pkgs[`node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform build: leave it to npm
    pkgs[`node_modules/${dep}`] = {
      version,
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
