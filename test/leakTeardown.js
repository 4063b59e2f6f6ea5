// jest globalTeardown: scans every node output, error, hint and log line of the run for the
// sandbox API keys and webhook test secrets and fails the run on any leak. An unfiltered run
// (npm test, npm run test:slow, npx jest) must also have recorded every kind of artifact its jest
// projects ask for (jest.config.js), so broken wiring cannot pass silently.
const path = require('node:path');

const { require: tsxRequire } = require('tsx/cjs/api');

const {
	assertNoLeaks,
	removeDir,
	requiredKinds,
	scanForLeaks,
	suiteSecrets,
} = require('./helpers/leaks');

function isFullRun(globalConfig) {
	return (
		!globalConfig.testPathPattern &&
		!globalConfig.testNamePattern &&
		!globalConfig.onlyChanged &&
		!globalConfig.findRelatedTests &&
		!globalConfig.changedSince &&
		!globalConfig.lastCommit &&
		(globalConfig.nonFlagArgs ?? []).length === 0
	);
}

module.exports = async function leakTeardown(globalConfig) {
	const dir = process.env.SYSEVO_LEAK_DIR;
	if (!dir)
		throw new Error('key leak check: SYSEVO_LEAK_DIR is not set (test/leakSetup.js did not run)');
	const { SEED } = tsxRequire('../sandbox/data.ts', path.join(__dirname, 'leakTeardown.js'));
	const keys = suiteSecrets([
		SEED.apiKey,
		SEED.otherOrgApiKey,
		SEED.archivedApiKey,
		SEED.ownerlessApiKey,
	]);
	const result = scanForLeaks(dir, keys);
	const required = isFullRun(globalConfig) ? requiredKinds(dir) : [];
	const counts = Object.entries(result.counts)
		.map(([kind, count]) => `${count} ${kind}`)
		.join(', ');
	process.stdout.write(
		`\nkey leaks: ${result.leaks.length} in ${result.artifacts} artifacts (${counts}; ${result.files} files)\n`,
	);
	if (required.length === 0 && result.artifacts === 0) {
		process.stdout.write('key leak check: the run recorded nothing to scan\n');
		removeDir(dir);
		return;
	}
	try {
		assertNoLeaks(result, required);
	} catch (error) {
		process.stdout.write(`key leak artifacts kept in ${dir}\n`);
		throw error;
	}
	removeDir(dir);
};
