/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a Node program, not part of the published package */
// npm run reliability [-- --json] [-- --seed 42] [-- --items 10000]
//
// The invariants of test/reliability/fuzz.test.ts at scale: fuzzed executions with many items each,
// plus a drill of every sandbox fault kind on the trigger route and on Get Run, all with Continue
// On Fail, against the sandbox over real HTTP on loopback.
//
// The sandbox runs in this process (startSandbox), not in a child: the invariants need its full
// request log (paths, headers), the storage origin's request log and per-number dial counts, which
// only the in-process API exposes (the admin routes give counts, not requests). The node still
// talks to it only over HTTP, through n8n-core's real request helpers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import fc from 'fast-check';

import { FAULT_KINDS } from '../sandbox';

const { values: args } = parseArgs({
	options: {
		json: { type: 'boolean', default: false },
		seed: { type: 'string' },
		items: { type: 'string', default: '10000' },
		concurrency: { type: 'string', default: '4' },
	},
});

// n8n-core reads N8N_USER_FOLDER when it loads; the leak dir collects every output, error, hint and log line.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'sysevo-reliability-n8n-'));
process.env.SYSEVO_LEAK_DIR = mkdtempSync(join(tmpdir(), 'sysevo-reliability-leaks-'));

type FuzzModel = typeof import('../test/reliability/fuzzModel');

interface Totals {
	executions: number;
	fuzzed: number;
	drills: number;
	itemsIn: number;
	itemsOut: number;
	faults: number;
	faultKinds: Set<string>;
	badInputs: Set<string>;
	phones: string[];
	violations: string[];
	outputLeaks: number;
}

/** Every fault kind on the trigger route (some items hit, by phone) and on Get Run, with and without waiting. */
function faultDrills(
	model: FuzzModel,
	seed: number,
): import('../test/reliability/fuzzModel').Scenario[] {
	const [template] = fc.sample(model.scenarioArbitrary(1), { numRuns: 1, seed });
	const item = (i: number) => ({
		identifier: {
			good: true as const,
			value:
				i % 2 ? '5d1e7c3a-2b4f-4e8a-9c1d-0a2b3c4d5e6f' : '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60',
		},
		phone: { kind: 'answered' as const },
		draft: false,
		context: '{"customer_name":"Jane"}',
		contextKey: 'appointment',
		contextValue: 'tomorrow',
	});
	const scenarios: import('../test/reliability/fuzzModel').Scenario[] = [];
	for (const kind of FAULT_KINDS) {
		for (const waiting of [false, true]) {
			// 40 items, 8 of them hit by the fault on their own trigger request.
			scenarios.push({
				...template,
				operation: 'trigger',
				byPath: false,
				contextInput: 'json',
				waiting,
				options: {
					maxConcurrentCalls: 10,
					timeoutSeconds: 1,
					callLimitWaitSeconds: 5,
					pollIntervalSeconds: 0.1,
					maxWaitSeconds: 5,
				},
				triggerItems: Array.from({ length: 40 }, (_, i) => ({
					...item(i),
					identifier: { good: true, value: '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60' },
				})),
				getRunItems: [],
				faults: Array.from({ length: 8 }, (_, n) => ({
					kind,
					route: 'trigger' as const,
					times: 1,
					item: n * 5,
					delayMs: 300,
				})),
			});
		}
		// Get Run under the fault (transient: 3 hits), plain and waiting; a hang is ended by Request Timeout.
		scenarios.push({
			...template,
			operation: 'getRun',
			waiting: false,
			options: { pollIntervalSeconds: 0.1, maxWaitSeconds: 5, timeoutSeconds: 2 },
			triggerItems: [],
			getRunItems: Array.from({ length: 20 }, (_, i) => ({
				workflowId: 312,
				runId: 48190 + (i % 7),
			})),
			faults: [{ kind, route: 'getRun', times: kind === 'hang' ? 1 : 3, delayMs: 300 }],
		});
		scenarios.push({
			...template,
			operation: 'trigger',
			byPath: false,
			contextInput: 'json',
			waiting: true,
			options: {
				maxConcurrentCalls: 10,
				timeoutSeconds: 2,
				callLimitWaitSeconds: 5,
				pollIntervalSeconds: 0.1,
				maxWaitSeconds: 60,
			},
			triggerItems: Array.from({ length: 20 }, (_, i) => item(i)).map((spec) => ({
				...spec,
				identifier: { good: true, value: '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60' },
			})),
			getRunItems: [],
			faults: [{ kind, route: 'getRun', times: kind === 'hang' ? 1 : 3, delayMs: 300 }],
		});
	}
	return scenarios;
}

async function main(): Promise<void> {
	const started = performance.now();
	const seed = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
	const targetItems = Number(args.items);
	const concurrency = Number(args.concurrency);

	const { startSandbox, SEED } = await import('../sandbox');
	const model: FuzzModel = await import('../test/reliability/fuzzModel');
	const leaks = await import('../test/helpers/leaks');
	leaks.mirrorConsole(console, process);

	const sandbox = await startSandbox({ timeScale: 0.002, concurrencyLimit: 1000 });
	const book = new model.PhoneBook();
	const createdRuns: number[] = [];
	const shared = { identifiers: new Set<string>() };
	const totals: Totals = {
		executions: 0,
		fuzzed: 0,
		drills: 0,
		itemsIn: 0,
		itemsOut: 0,
		faults: 0,
		faultKinds: new Set(),
		badInputs: new Set(),
		phones: [],
		violations: [],
		outputLeaks: 0,
	};

	async function run(scenario: import('../test/reliability/fuzzModel').Scenario, drill: boolean) {
		const stats = await model.runScenario(sandbox, scenario, book, createdRuns, shared);
		totals.executions++;
		if (drill) totals.drills++;
		else totals.fuzzed++;
		totals.itemsIn += stats.itemsIn;
		totals.itemsOut += stats.itemsOut;
		totals.faults += stats.faults;
		for (const fault of scenario.faults) totals.faultKinds.add(`${fault.kind}@${fault.route}`);
		stats.badInputs.forEach((input) => totals.badInputs.add(input));
		totals.phones.push(...stats.phones);
		totals.violations.push(...stats.violations);
		totals.outputLeaks += stats.keyLeaks;
	}

	async function batch(work: Array<() => Promise<void>>) {
		await Promise.all(work.map((job) => job()));
		model.checkRequests(sandbox, shared.identifiers, totals.violations);
		sandbox.faults.clear();
	}

	try {
		// 1. Fault drills: every kind, on the trigger route and on Get Run, some items hit and some not.
		const drills = faultDrills(model, seed);
		for (let i = 0; i < drills.length; i += concurrency * 2) {
			await batch(
				drills.slice(i, i + concurrency * 2).map((scenario) => () => run(scenario, true)),
			);
		}
		const drillItems = totals.itemsIn;

		// 2. Fuzzed executions, many items each, until the item target is reached.
		const arbitrary = model.scenarioArbitrary(100, { allowInfinity: false });
		let round = 0;
		while (totals.itemsIn - drillItems < targetItems) {
			const scenarios = fc.sample(arbitrary, { numRuns: concurrency, seed: seed + 1 + round++ });
			await batch(scenarios.map((scenario) => () => run(scenario, false)));
		}
	} finally {
		await sandbox.close();
	}

	const { duplicates, examples } = model.countDuplicates(sandbox, totals.phones);
	const scan = leaks.scanForLeaks(process.env.SYSEVO_LEAK_DIR!, [
		SEED.apiKey,
		SEED.otherOrgApiKey,
		SEED.archivedApiKey,
	]);
	const keyToServers = totals.violations.filter((violation) =>
		violation.startsWith('API key sent'),
	).length;
	const keyLeaks = scan.leaks.length + keyToServers + totals.outputLeaks;
	const lost = totals.itemsIn - totals.itemsOut;
	const calls = sandbox.runs().filter((candidate) => candidate.id >= SEED.firstNewRunId).length;
	const seconds = (performance.now() - started) / 1000;

	const figures = {
		bad_inputs: totals.badInputs.size,
		faults: totals.faults,
		items_in: totals.itemsIn,
		items_out: totals.itemsOut,
		lost,
		duplicates,
		key_leaks: keyLeaks,
	};
	const lines = [
		`Reliability run, seed ${seed}: ${totals.executions} node executions (${totals.drills} fault drills, ${totals.fuzzed} fuzzed), Continue On Fail, ${seconds.toFixed(0)} s`,
		`  distinct bad inputs tried: ${figures.bad_inputs}`,
		`  faults injected:           ${figures.faults} (${totals.faultKinds.size} kind/route pairs; all ${FAULT_KINDS.length} kinds on trigger and getRun)`,
		`  items in:                  ${figures.items_in}`,
		`  items out:                 ${figures.items_out}`,
		`  items lost:                ${figures.lost}`,
		`  calls placed:              ${calls} (inputs held ${new Set(totals.phones).size} distinct valid numbers)`,
		`  duplicate dials:           ${figures.duplicates}${examples.length ? ` (${examples.join('; ')})` : ''}`,
		`  key leaks:                 ${figures.key_leaks} (${scan.artifacts} outputs, errors, hints and log lines scanned; key to storage or download: ${keyToServers})`,
		`  other violations:          ${totals.violations.length - keyToServers}`,
	];
	for (const violation of [...new Set(totals.violations)].slice(0, 10))
		lines.push(`    ${violation}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	if (args.json) process.stdout.write(`${JSON.stringify(figures)}\n`);

	const failed =
		lost > 0 ||
		duplicates > 0 ||
		keyLeaks > 0 ||
		totals.violations.length > 0 ||
		scan.artifacts === 0;
	leaks.removeDir(process.env.SYSEVO_LEAK_DIR!);
	process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
