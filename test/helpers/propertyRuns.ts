/**
 * How many runs a fast-check property gets. The property suites run in two jest projects
 * (jest.config.js): `npm test` gives each property a tenth of its runs (at least 50) so the fast
 * suite stays fast, and `npm run test:slow` gives the full count.
 */
export function propertyRuns(full: number): number {
	const { SYSEVO_PROPERTY_RUNS_SCALE: scale = 1 } = globalThis as {
		SYSEVO_PROPERTY_RUNS_SCALE?: number;
	};
	return Math.max(Math.min(full, 50), Math.round(full * scale));
}
