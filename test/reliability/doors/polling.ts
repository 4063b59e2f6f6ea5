// The polling trigger's door: agent lists, filters and options nobody should save, and polls
// under faults on the run list and Get Run, in n8n-core's real PollContext (test/trigger/harness.ts)
// against a sandbox of its own.
// Kept: a bad setting fails the poll with an error that says what is wrong (never a crash); every
// call that ends is emitted exactly once by every watching trigger, faults or not (a failed poll
// keeps its cursor and the next one catches up); no key in an error or an item; nothing dialled.
import fc from 'fast-check';
import { sleep, type INodeParameters } from 'n8n-workflow';

import { FAULT_KINDS, startSandbox, type FaultKind, type FaultRoute } from '../../../sandbox';
import { allCompleted, PollingTrigger, placeCalls } from '../../trigger/harness';
import { ATTACKS, KEYS } from '../fuzzModel';
import { inputKey, newFigures, Random, samples, type DoorFigures } from './figures';

const ENDINGS = ['', '0001', '0002', '0003', '0004'];

function badSettings(
	random: Random,
	strings: string[],
): { parameters: INodeParameters; key: string } {
	const field = random.pick([
		'agentIds',
		'outcomes',
		'dispositions',
		'callSources',
		'historyHours',
		'settle',
	]);
	const value = (() => {
		switch (field) {
			case 'agentIds':
				return random.pick<unknown>([
					[random.pick(strings)],
					[random.pick(ATTACKS)],
					['312', random.pick(strings)],
					random.pick(strings),
					[],
					[0],
					[-1],
					[1.5],
					[2 ** 60],
					null,
					'312,,abc',
				]);
			case 'outcomes':
				return [random.pick(strings)];
			case 'callSources':
				return [random.pick(strings)];
			case 'dispositions':
				return random.pick(strings);
			default:
				return random.pick<unknown>([-1, 'abc', 1e12, NaN, random.pick(strings), null]);
		}
	})();
	const parameters: INodeParameters = { agentIds: ['312'] };
	if (field === 'agentIds') parameters.agentIds = value as never;
	if (field === 'outcomes' || field === 'dispositions' || field === 'callSources')
		parameters.filters = { [field]: value as never };
	if (field === 'historyHours') parameters.options = { historyHours: value as never };
	if (field === 'settle') parameters.options = { outcomeSettleSeconds: value as never };
	return { parameters, key: inputKey(`poll:${field}`, value) };
}

export async function fuzzPolling(
	seed: number,
	badTriggers: number,
	rounds: number,
): Promise<DoorFigures> {
	const figures = newFigures('polling trigger');
	const random = new Random(seed);
	const strings = samples(
		fc.oneof(
			fc.string({ unit: 'grapheme', maxLength: 16 }),
			fc.stringMatching(/^[0-9 ,.-]{1,10}$/),
		),
		500,
		seed,
	);
	const sandbox = await startSandbox({
		timeScale: 0.002,
		concurrencyLimit: 1000,
		outcomeSettleSeconds: 1,
	});
	const credentials = { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl };
	const leaks = (text: string) => KEYS.some((key) => text.includes(key));
	try {
		// 1. Settings nobody should save: one poll each.
		for (let t = 0; t < badTriggers; t++) {
			const { parameters, key } = badSettings(random, strings);
			const result = await new PollingTrigger(parameters, credentials).poll();
			figures.executions++;
			figures.badInputs.add(key);
			if (result.error) {
				if (typeof result.error.message !== 'string' || result.error.message.length < 10)
					figures.violations.push(`unclear poll error: ${String(result.error.message)}`);
				if (leaks(JSON.stringify({ m: result.error.message, d: result.error.description })))
					figures.keyLeaks++;
			}
		}

		// 2. Triggers watching agent 312 while calls end and faults hit their polls.
		const watchers = Array.from({ length: 3 }, (_, w) => ({
			trigger: new PollingTrigger(
				{ agentIds: ['312'], options: { outcomeSettleSeconds: 0.2, simplify: w === 1 } },
				credentials,
			),
			emitted: [] as number[],
		}));
		for (const watcher of watchers) await watcher.trigger.poll();
		const placed: number[] = [];
		let serial = 0;
		const pollAll = async () => {
			for (const watcher of watchers) {
				const result = await watcher.trigger.poll();
				figures.executions++;
				watcher.emitted.push(
					...result.items.map((item) => Number(item.id ?? item.workflow_run_id)),
				);
				if (leaks(JSON.stringify(result.items))) figures.keyLeaks++;
				if (result.error) {
					figures.extra.failed_polls = Number(figures.extra.failed_polls ?? 0) + 1;
					if (result.error.message.length < 10)
						figures.violations.push(`unclear poll error: ${result.error.message}`);
					if (leaks(JSON.stringify({ m: result.error.message, d: result.error.description })))
						figures.keyLeaks++;
				}
			}
		};
		for (let round = 0; round < rounds; round++) {
			const phones = Array.from({ length: random.int(1, 6) }, () => {
				const n = serial++;
				const ending = random.pick(ENDINGS) || String(1000 + (n % 9000));
				return `+1415${200 + (n % 700)}${ending}`;
			});
			placed.push(...(await placeCalls(sandbox, phones)));
			if (random.chance(0.5)) {
				const kind = random.pick(FAULT_KINDS.filter((k) => k !== 'hang')) as FaultKind;
				const route = random.pick<FaultRoute>(['listRuns', 'getRun']);
				sandbox.faults.inject({
					kind,
					route,
					times: random.int(1, 4),
					delayMs: random.int(20, 200),
				});
				figures.faults++;
				figures.badInputs.add(inputKey('poll:fault', [kind, route, round]));
			}
			await sleep(random.int(20, 150));
			await pollAll();
			sandbox.faults.clear();
		}
		// Every call ends and settles; then the triggers catch up without faults.
		for (let wait = 0; wait < 100 && !allCompleted(sandbox, placed); wait++) await sleep(50);
		await sleep(400);
		for (let poll = 0; poll < 5; poll++) await pollAll();

		const finished = placed.filter((id) => allCompleted(sandbox, [id]));
		figures.itemsIn += finished.length * watchers.length;
		for (const [w, watcher] of watchers.entries()) {
			const counts = new Map<number, number>();
			for (const id of watcher.emitted) counts.set(id, (counts.get(id) ?? 0) + 1);
			for (const id of finished) {
				const count = counts.get(id) ?? 0;
				if (count === 0) figures.violations.push(`trigger ${w}: run ${id} never emitted`);
				else figures.itemsOut++;
				if (count > 1) {
					figures.duplicates += count - 1;
					figures.violations.push(`trigger ${w}: run ${id} emitted ${count} times`);
				}
			}
			for (const id of counts.keys())
				if (!placed.includes(id))
					figures.violations.push(`trigger ${w}: emitted run ${id} that nobody placed`);
		}
		// The calls were placed by this door through the public trigger route; the triggers only read.
		const writes = sandbox.requests.filter((request) => request.method !== 'GET');
		if (writes.length !== placed.length)
			figures.violations.push(
				`${writes.length} non-GET requests for the ${placed.length} calls this door placed: the trigger wrote`,
			);
		figures.extra.calls_ended = finished.length;
	} finally {
		await sandbox.close();
	}
	return figures;
}
