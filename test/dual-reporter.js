// Mocha reporter: spec output on the console plus mocha's JSON report written to a file.
const fs = require('node:fs');
const Mocha = require('mocha');

class DualReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const file = options.reporterOption && options.reporterOption.json;
    const tests = { passes: [], failures: [], pending: [] };
    runner.on('pass', (t) => tests.passes.push(t.fullTitle()));
    runner.on('fail', (t, err) => tests.failures.push({ title: t.fullTitle(), error: String(err && err.message) }));
    runner.on('pending', (t) => tests.pending.push(t.fullTitle()));
    runner.once('end', () => {
      if (file) fs.writeFileSync(file, JSON.stringify({ stats: this.stats, ...tests }, null, 2));
    });
  }
}
module.exports = DualReporter;
