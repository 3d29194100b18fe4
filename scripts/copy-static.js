// Part of the build: copies the browser files the compiled code serves from disk into dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const rel of ['src/sandbox/console/static']) {
  const to = path.join(root, 'dist', rel);
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(path.join(root, rel), to, { recursive: true });
}
