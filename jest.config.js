/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	// Key-leak check over every node output, error, hint and log line of the run (test/helpers/leaks.js).
	globalSetup: '<rootDir>/test/leakSetup.js',
	globalTeardown: '<rootDir>/test/leakTeardown.js',
	testTimeout: 30000,
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
};
