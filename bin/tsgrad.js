#!/usr/bin/env node
// Entry for `npx tsgrad …`: the CLI is compiled to dist/ by `npm run build` (or shipped built).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'compiler', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('tsgrad: dist/ is not built; run `npm run build` in the tsgrad package first');
  process.exit(2);
}
require(cli);
