// The spec reporter, plus the run's counts written to $MOCHA_COUNTS_FILE ("passed failed")
// so .ci/run can print one machine-readable "N passed, N failed" line from mocha's own counts.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.MOCHA_COUNTS_FILE;
      if (file) fs.writeFileSync(file, `${runner.stats.passes} ${runner.stats.failures}\n`);
    });
  }
}
module.exports = CountingSpecReporter;
