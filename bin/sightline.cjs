#!/usr/bin/env node
// The `sightline` command: runs the bundled CLI (npm run build makes it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!existsSync(cli)) {
  console.error('sightline: not built yet; run `npm run build` (or use `npm run cli -- ...`)');
  process.exit(2);
}
// The bundle runs itself only as the main module; required from here, it is called.
require(cli)
  .runCli(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
