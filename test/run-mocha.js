// Runs mocha with the spec reporter on the console and, when TSGRAD_MOCHA_REPORT names a file
// (as .ci/run does), a JSON report there for the "N passed, N failed" line.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const mocha = require.resolve('mocha/bin/mocha.js');
const args = [mocha];
const report = process.env.TSGRAD_MOCHA_REPORT;
if (report) args.push('--reporter', path.join(__dirname, 'dual-reporter.js'), '--reporter-option', `json=${report}`);
args.push(...process.argv.slice(2));
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
