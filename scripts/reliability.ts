/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a Node program, not part of the published package */
// npm run reliability [-- --json] [-- --seed 42] [-- --items 2000] [-- --scale 1]
//
// Bad input and faults at every door, each with its own figures, all against loopback servers:
// - Trigger Call and Get Run: the invariants of test/reliability/fuzz.test.ts at scale (fuzzed
//   executions with many items each, plus a drill of every sandbox fault kind on the trigger route
//   and on Get Run), Continue On Fail on;
// - Validate Number, Get Many Runs, Download Recording, the polling trigger and the webhook
//   trigger: test/reliability/doors/*.ts.
// The Trigger Call / Get Run part mostly waits on simulated calls, so it runs beside the other
// doors, which run one after the other. --scale multiplies the other doors' work.
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
		items: { type: 'string', default: '2000' },
		concurrency: { type: 'string', default: '4' },
		scale: { type: 'string', default: '1' },
	},
});

// n8n-core reads N8N_USER_FOLDER when it loads; the leak dir collects every output, error, hint and log line.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'sysevo-reliability-n8n-'));
process.env.SYSEVO_LEAK_DIR = mkdtempSync(join(tmpdir(), 'sysevo-reliability-leaks-'));

type FuzzModel = typeof import('../test/reliability/fuzzModel');
type DoorFigures = import('../test/reliability/doors/figures').DoorFigures;

// Unhandled rejections and exceptions count against every door running when they happen.
const running = new Set<DoorFigures>();
let crashesOutsideDoors = 0;
function crashed(what: string, error: unknown): void {
	if (running.size === 0) crashesOutsideDoors++;
	for (const door of running) {
		door.crashes++;
		door.violations.push(`${what}: ${String((error as Error)?.message ?? error).slice(0, 200)}`);
	}
}
process.on('unhandledRejection', (error) => crashed('unhandled rejection', error));
process.on('uncaughtException', (error) => crashed('uncaught exception', error));

async function door<T extends DoorFigures>(
	figures: T,
	work: (figures: T) => Promise<void>,
): Promise<T> {
	running.add(figures);
	try {
		await work(figures);
	} catch (error) {
		figures.crashes++;
		figures.violations.push(
			`the door's run failed: ${String((error as Error)?.stack ?? error).slice(0, 400)}`,
		);
	} finally {
		running.delete(figures);
	}
	return figures;
}

/** The Trigger Call / Get Run part across its executions (the per-door figures are separate). */
interface Totals {
	executions: number;
	fuzzed: number;
	drills: number;
	itemsIn: number;
	faultKinds: Set<string>;
	phones: string[];
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
	const scale = Number(args.scale);
	const times = (n: number) => Math.max(1, Math.round(n * scale));

	const { startSandbox, SEED } = await import('../sandbox');
	const model: FuzzModel = await import('../test/reliability/fuzzModel');
	const { newFigures } = await import('../test/reliability/doors/figures');
	const { fuzzValidateNumber } = await import('../test/reliability/doors/validateNumber');
	const { fuzzGetMany } = await import('../test/reliability/doors/getMany');
	const { fuzzDownload } = await import('../test/reliability/doors/download');
	const { fuzzPolling } = await import('../test/reliability/doors/polling');
	const { fuzzWebhook } = await import('../test/reliability/doors/webhook');
	const leaks = await import('../test/helpers/leaks');
	leaks.mirrorConsole(console, process);

	const trigger = newFigures('trigger call');
	const getRun = newFigures('get run');
	const totals: Totals = {
		executions: 0,
		fuzzed: 0,
		drills: 0,
		itemsIn: 0,
		faultKinds: new Set(),
		phones: [],
	};
	let calls = 0;
	let duplicateExamples: string[] = [];

	// Trigger Call and Get Run share one sandbox: Get Run reads the runs the triggers created.
	const triggerAndGetRun = async () => {
		const sandbox = await startSandbox({ timeScale: 0.002, concurrencyLimit: 1000 });
		const book = new model.PhoneBook();
		const createdRuns: number[] = [];
		const shared = { identifiers: new Set<string>() };
		async function run(scenario: import('../test/reliability/fuzzModel').Scenario, drill: boolean) {
			const stats = await model.runScenario(sandbox, scenario, book, createdRuns, shared);
			const figures = scenario.operation === 'trigger' ? trigger : getRun;
			totals.executions++;
			if (drill) totals.drills++;
			else totals.fuzzed++;
			figures.executions++;
			figures.itemsIn += stats.itemsIn;
			figures.itemsOut += stats.itemsOut;
			figures.faults += stats.faults;
			figures.keyLeaks += stats.keyLeaks;
			figures.violations.push(...stats.violations);
			totals.itemsIn += stats.itemsIn;
			for (const fault of scenario.faults) totals.faultKinds.add(`${fault.kind}@${fault.route}`);
			stats.badInputs.forEach((input) => figures.badInputs.add(input));
			totals.phones.push(...stats.phones);
		}
		async function batch(work: Array<() => Promise<void>>) {
			await Promise.all(work.map((job) => job()));
			// Requests of a batch are checked together; a violation counts against Trigger Call,
			// the door that sends all but the reads.
			model.checkRequests(sandbox, shared.identifiers, trigger.violations);
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
		trigger.duplicates = duplicates;
		duplicateExamples = examples;
		for (const [figures, kind] of [
			[trigger, 'trigger'],
			[getRun, 'getRun'],
		] as const)
			figures.extra.fault_kinds = [...totals.faultKinds].filter((k) =>
				k.endsWith(`@${kind}`),
			).length;
		trigger.keyLeaks += trigger.violations.filter((v) => v.startsWith('API key sent')).length;
		calls = sandbox.runs().filter((candidate) => candidate.id >= SEED.firstNewRunId).length;
		trigger.extra.calls_placed = calls;
		trigger.extra.distinct_valid_numbers = new Set(totals.phones).size;
	};

	// The other doors, one after the other, each on its own servers.
	const otherDoors: DoorFigures[] = [];
	const others = async () => {
		const own = async (work: (sandbox: import('../sandbox').Sandbox) => Promise<DoorFigures>) => {
			const sandbox = await startSandbox({ timeScale: 0.002, concurrencyLimit: 1000 });
			try {
				return await work(sandbox);
			} finally {
				await sandbox.close();
			}
		};
		const plan: Array<[string, () => Promise<DoorFigures>]> = [
			[
				'validate number',
				() => own((sandbox) => fuzzValidateNumber(sandbox, seed, times(14), 300)),
			],
			['get many runs', () => own((sandbox) => fuzzGetMany(sandbox, seed, times(30), 20))],
			['download recording', () => fuzzDownload(seed, times(15), 40, 5)],
			['polling trigger', () => fuzzPolling(seed, times(150), times(30))],
			['webhook trigger', () => fuzzWebhook(seed, times(2500))],
		];
		for (const [name, work] of plan) {
			const figures = newFigures(name);
			await door(figures, async () => {
				Object.assign(figures, await work());
			});
			otherDoors.push(figures);
		}
	};
	await Promise.all([
		door(trigger, async () => {
			running.add(getRun);
			try {
				await triggerAndGetRun();
			} finally {
				running.delete(getRun);
			}
		}),
		others(),
	]);

	const secrets = leaks.suiteSecrets([SEED.apiKey, SEED.otherOrgApiKey, SEED.archivedApiKey]);
	const scan = leaks.scanForLeaks(process.env.SYSEVO_LEAK_DIR!, secrets);
	const seconds = (performance.now() - started) / 1000;
	const doors = [trigger, getRun, ...otherDoors];

	const perDoor = Object.fromEntries(
		doors.map((figures) => [
			figures.door.replace(/ /g, '_'),
			{
				executions: figures.executions,
				distinct_bad_inputs: figures.badInputs.size,
				faults: figures.faults,
				items_in: figures.itemsIn,
				items_out: figures.itemsOut,
				lost: figures.itemsIn - figures.itemsOut,
				duplicates: figures.duplicates,
				key_leaks: figures.keyLeaks,
				crashes: figures.crashes,
				violations: figures.violations.length,
				...figures.extra,
			},
		]),
	);
	const sum = (pick: (figures: DoorFigures) => number) =>
		doors.reduce((total, figures) => total + pick(figures), 0);
	const totalsLine = {
		distinct_bad_inputs: sum((figures) => figures.badInputs.size),
		faults: sum((figures) => figures.faults),
		items_in: sum((figures) => figures.itemsIn),
		items_out: sum((figures) => figures.itemsOut),
		lost: sum((figures) => figures.itemsIn - figures.itemsOut),
		duplicates: sum((figures) => figures.duplicates),
		// Log-line leaks are found by the scan over everything, not per door.
		key_leaks: sum((figures) => figures.keyLeaks) + scan.leaks.length,
		crashes: sum((figures) => figures.crashes) + crashesOutsideDoors,
		violations: sum((figures) => figures.violations.length),
	};

	const lines = [
		`Reliability run, seed ${seed}: ${doors.length} doors, ${seconds.toFixed(0)} s`,
		`  ${'door'.padEnd(20)}${['bad inputs', 'faults', 'items in', 'out', 'lost', 'dup', 'leaks', 'crashes', 'violations'].map((h) => h.padStart(11)).join('')}`,
		...doors.map((figures) => {
			const row = perDoor[figures.door.replace(/ /g, '_')];
			return `  ${figures.door.padEnd(20)}${[row.distinct_bad_inputs, row.faults, row.items_in, row.items_out, row.lost, row.duplicates, row.key_leaks, row.crashes, row.violations].map((n) => String(n).padStart(11)).join('')}`;
		}),
		`  ${'total'.padEnd(20)}${[totalsLine.distinct_bad_inputs, totalsLine.faults, totalsLine.items_in, totalsLine.items_out, totalsLine.lost, totalsLine.duplicates, totalsLine.key_leaks, totalsLine.crashes, totalsLine.violations].map((n) => String(n).padStart(11)).join('')}`,
		`  Trigger Call: ${totals.drills} fault drills and ${totals.fuzzed} fuzzed executions with Get Run; ${calls} calls placed for ${new Set(totals.phones).size} distinct valid numbers, all ${FAULT_KINDS.length} fault kinds on trigger and getRun${duplicateExamples.length ? ` (${duplicateExamples.join('; ')})` : ''}`,
		`  key and secret scan: ${scan.artifacts} outputs, errors, hints and log lines, ${scan.leaks.length} hits`,
		...doors
			.filter((figures) => Object.keys(figures.extra).length > 0)
			.map(
				(figures) =>
					`  ${figures.door}: ${Object.entries(figures.extra)
						.map(([k, v]) => `${k} ${v}`)
						.join(', ')}`,
			),
	];
	for (const figures of doors)
		for (const violation of [...new Set(figures.violations)].slice(0, 5))
			lines.push(`    ${figures.door}: ${violation}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	if (args.json)
		process.stdout.write(
			`${JSON.stringify({ seed, seconds: Math.round(seconds), distinct_bad_inputs: totalsLine.distinct_bad_inputs, doors: perDoor, totals: totalsLine })}\n`,
		);

	const failed =
		totalsLine.lost > 0 ||
		totalsLine.duplicates > 0 ||
		totalsLine.key_leaks > 0 ||
		totalsLine.crashes > 0 ||
		totalsLine.violations > 0 ||
		scan.artifacts === 0;
	leaks.removeDir(process.env.SYSEVO_LEAK_DIR!);
	process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
