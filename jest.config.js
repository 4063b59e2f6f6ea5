// Four projects, one per test command (test/README.md says which suite lives where and why).
// A suite belongs to a project by where it lives, so a new file lands in the right command:
//   fast     `npm test`              everything not named below
//   slow     `npm run test:slow`     test/reliability/ (but leaks.test.ts), any *.slow.test.ts, and
//                                    the property suites again at their full run counts
//   sandbox  `npm run test:sandbox`  test/sandbox/
//   package  `npm run test:package`  test/package/ (needs dist/ and the npm tarball; builds first)
// `npx jest <path>` runs a file in whichever projects hold it.
const TEST_FILE = '\\.test\\.ts$';
const RELIABILITY = '/test/reliability/(?!leaks\\.test\\.ts$)';
const SLOW_FILE = '\\.slow\\.test\\.ts$';
const PROPERTY = ['/test/property/', '\\.property\\.test\\.ts$'];
const SANDBOX = '/test/sandbox/';
const PACKAGE = '/test/package/';

/**
 * `leakKinds`: the artifact kinds an unfiltered run of the project must record, so that broken
 * wiring of the key-leak check cannot pass silently (test/leakTeardown.js).
 */
function project(displayName, { testRegex, ignore = [], leakKinds, propertyRunsScale = 1 }) {
	return {
		displayName,
		testEnvironment: 'node',
		rootDir: __dirname,
		roots: ['<rootDir>/test'],
		testRegex,
		testPathIgnorePatterns: ['/node_modules/', ...ignore],
		modulePathIgnorePatterns: ['<rootDir>/dist/'],
		setupFiles: ['<rootDir>/test/setup-env.js'],
		// Key-leak check over every node output, error, hint and log line of the run (test/helpers/leaks.js).
		// Every project names the same modules, so a run of several projects sets up and scans once.
		globalSetup: '<rootDir>/test/leakSetup.js',
		globalTeardown: '<rootDir>/test/leakTeardown.js',
		// Read by test/setup-env.js and test/helpers/propertyRuns.ts.
		globals: { SYSEVO_LEAK_KINDS: leakKinds, SYSEVO_PROPERTY_RUNS_SCALE: propertyRunsScale },
		// Transpile only: type-checking, tests included, is `npm run typecheck` (tsconfig.test.json
		// sets isolatedModules, which tells ts-jest to transpile each file on its own).
		transform: {
			'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
		},
	};
}

/** @type {import('jest').Config} */
module.exports = {
	testTimeout: 30000,
	// The suites mostly wait on the sandbox's simulated calls, so one worker per core (jest's
	// default leaves a core to its parent process, which is idle here).
	maxWorkers: '100%',
	projects: [
		project('fast', {
			testRegex: TEST_FILE,
			ignore: [RELIABILITY, SLOW_FILE, SANDBOX, PACKAGE],
			leakKinds: ['output', 'error', 'hint', 'log'],
			propertyRunsScale: 0.1,
		}),
		project('slow', {
			testRegex: [
				`${RELIABILITY}.*${TEST_FILE}`,
				SLOW_FILE,
				`${PROPERTY[0]}.*${TEST_FILE}`,
				PROPERTY[1],
			],
			leakKinds: ['output', 'hint'],
		}),
		project('sandbox', { testRegex: `${SANDBOX}.*${TEST_FILE}`, leakKinds: [] }),
		project('package', { testRegex: `${PACKAGE}.*${TEST_FILE}`, leakKinds: [] }),
	],
};
