// How many runs a fast-check property gets. The property suites run in two jest projects
// (jest.config.js): `npm test` gives each property a tenth of its runs (at least 50) so the fast
// suite stays fast, and `npm run test:slow` gives the full count. The project's scale is a jest
// global, set in jest.config.js.
function propertyRuns(full) {
	const scale = global.SYSEVO_PROPERTY_RUNS_SCALE ?? 1;
	return Math.max(Math.min(full, 50), Math.round(full * scale));
}

module.exports = { propertyRuns };
