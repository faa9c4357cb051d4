#!/usr/bin/env node
// The `sightline` command: runs the bundled CLI (npm run build makes it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!existsSync(cli)) {
  console.error('sightline: not built yet; run `npm run build` (or use `npm run cli -- ...`)');
  process.exit(2);
}
require(cli);
