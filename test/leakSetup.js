// jest globalSetup: a temp dir for the key-leak artifacts of this run (see test/helpers/leaks.js).
// Workers are started after this runs, so they inherit SYSEVO_LEAK_DIR.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function leakSetup() {
	process.env.SYSEVO_LEAK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'sysevo-leaks-'));
};
