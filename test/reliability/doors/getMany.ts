// The Get Many Runs door: agent ids, limits and filters nobody should enter, with faults on the
// run list and on Get Run, in n8n-core's real WorkflowExecute against the sandbox.
// Kept: every input item gets its rows (each paired with it, no run twice) or one error row that
// says what went wrong; an item without filters gets min(limit, the agent's runs) rows; only GET
// requests on the list and run routes, each with the key; nothing dialled.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { FAULT_KINDS, type FaultKind, type FaultRoute, type Sandbox } from '../../../sandbox';
import { runNode } from '../../helpers/engine';
import { ATTACKS } from '../fuzzModel';
import { inputKey, newFigures, Random, samples, type DoorFigures } from './figures';

const GOOD_AGENTS: unknown[] = [312, 313, '313', ' 312 '];
const BAD_AGENTS: unknown[] = [0, -1, 1.5, 99999, 401, 'abc', '', null, '313abc', 2 ** 60];
const OUTCOMES = ['completed', 'not_connected', 'failed', 'in_progress', 'voicemail'];
const SOURCES = ['api', 'campaign', 'inbound', 'test', 'web'];

const dateText = fc.oneof(
	fc
		.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
		.map((d) => d.toISOString()),
	fc.string({ maxLength: 20 }),
	fc.constantFrom(
		'yesterday',
		'2026-13-45',
		'9999-99-99T99:99',
		'0',
		'-1',
		'NaN',
		'2026-06-20T25:00:00Z',
		'\u0000',
	),
);
const freeText = fc.oneof(
	fc.string({ unit: 'grapheme', maxLength: 24 }),
	fc.constantFrom(',,,', ' , ', 'user_hangup, voicemail_detected', 'USER_HANGUP', '%', '*', '\n'),
);

interface GetManyItem {
	agent: unknown;
	limit: unknown;
	after: string;
	before: string;
	dispositions: string;
	phone: string;
	filtered: boolean;
	bad: string[];
}

export async function fuzzGetMany(
	sandbox: Sandbox,
	seed: number,
	executions: number,
	itemsPerExecution: number,
): Promise<DoorFigures> {
	const figures = newFigures('get many runs');
	const random = new Random(seed);
	const attacks = [...ATTACKS, ...samples(fc.string({ maxLength: 12 }), 100, seed)];
	const dates = samples(dateText, 400, seed + 1);
	const texts = samples(freeText, 400, seed + 2);
	const phones = samples(
		fc.oneof(fc.stringMatching(/^\+?[0-9 ]{0,16}$/), fc.string({ maxLength: 10 })),
		400,
		seed + 3,
	);
	let rows = 0;
	for (let e = 0; e < executions; e++) {
		const returnAll = random.chance(0.15);
		const fetchFullRuns = random.chance(0.5);
		const outcomes = random.chance(0.3) ? [random.pick(OUTCOMES)] : [];
		const callSources = random.chance(0.2) ? [random.pick(SOURCES)] : undefined;
		const items: GetManyItem[] = Array.from({ length: itemsPerExecution }, () => {
			const bad: string[] = [];
			const field = random.chance(0.6)
				? random.pick(['agent', 'limit', 'after', 'before', 'dispositions', 'phone'])
				: undefined;
			const item: GetManyItem = {
				agent: random.pick(GOOD_AGENTS),
				limit: random.int(1, 25),
				after: '',
				before: '',
				dispositions: '',
				phone: '',
				filtered: outcomes.length > 0 || callSources !== undefined,
				bad,
			};
			if (field === 'agent')
				item.agent = random.chance(0.5) ? random.pick(BAD_AGENTS) : random.pick(attacks);
			if (field === 'limit') item.limit = random.pick([0, -5, 1.5, 'abc', '', null, 1e9, '10']);
			if (field === 'after' || field === 'before') item[field] = random.pick(dates);
			if (field === 'dispositions') item.dispositions = random.pick(texts);
			if (field === 'phone') item.phone = random.pick(phones);
			if (field) {
				bad.push(inputKey(field, item[field as keyof GetManyItem]));
				item.filtered = true;
			}
			return item;
		});
		const faults = random.chance(0.4) ? random.int(1, 2) : 0;
		for (let f = 0; f < faults; f++) {
			sandbox.faults.inject({
				kind: random.pick(FAULT_KINDS.filter((kind) => kind !== 'hang')) as FaultKind,
				route: random.pick<FaultRoute>(['listRuns', 'getRun']),
				times: random.int(1, 3),
				delayMs: random.int(20, 200),
			});
			figures.faults++;
		}
		const result = await runNode({
			parameters: {
				resource: 'call',
				operation: 'getMany',
				workflowId: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
				returnAll,
				limit: '={{ $json.limit }}',
				filters: {
					createdAfter: '={{ $json.after }}',
					createdBefore: '={{ $json.before }}',
					dispositions: '={{ $json.dispositions }}',
					phoneNumber: '={{ $json.phone }}',
					...(outcomes.length ? { outcomes } : {}),
					...(callSources ? { callSources } : {}),
				},
				options: { fetchFullRuns, timeoutSeconds: 2, simplify: random.chance(0.3) },
			},
			items: items as unknown as IDataObject[],
			credentials: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl },
			continueOnFail: true,
		});
		sandbox.faults.clear();
		figures.executions++;
		figures.itemsIn += items.length;
		if (result.error) figures.violations.push(`failed as a whole: ${result.error.message}`);
		const byItem = new Map<number, IDataObject[]>();
		for (const row of result.outputs.flat()) {
			const index = (row.pairedItem as { item?: number } | undefined)?.item;
			if (typeof index !== 'number' || !items[index]) {
				figures.violations.push(`a row paired with ${JSON.stringify(row.pairedItem)}`);
				continue;
			}
			byItem.set(index, [...(byItem.get(index) ?? []), row.json]);
		}
		const agentRuns = (id: number) =>
			sandbox.runs().filter((run) => run.workflow_id === id && run.organization_id === 1).length;
		for (const [i, item] of items.entries()) {
			item.bad.forEach((bad) => figures.badInputs.add(bad));
			const got = byItem.get(i) ?? [];
			const errors = got.filter((row) => row.error);
			if (errors.length > 0) {
				if (got.length !== 1)
					figures.violations.push(`item ${i}: an error row next to ${got.length - 1} others`);
				const message = errors[0].error;
				if (typeof message !== 'string' || message.length < 10)
					figures.violations.push(`unclear error: ${JSON.stringify(message)}`);
				figures.itemsOut++;
				continue;
			}
			rows += got.length;
			const ids = got.map((row) => row.id ?? row.workflow_run_id);
			if (new Set(ids).size !== ids.length) {
				figures.duplicates += ids.length - new Set(ids).size;
				figures.violations.push(`item ${i}: a run listed twice`);
			}
			const agent = Number(String(item.agent).trim());
			const limit = Number(item.limit);
			if (!item.filtered && [312, 313].includes(agent) && Number.isInteger(limit) && limit > 0) {
				const want = returnAll ? agentRuns(agent) : Math.min(limit, agentRuns(agent));
				if (got.length !== want)
					figures.violations.push(
						`item ${i}: ${got.length} rows for agent ${agent}, limit ${returnAll ? 'all' : limit}; ${want} expected`,
					);
			}
			figures.itemsOut++;
		}
		for (const request of sandbox.requests) {
			if (
				request.method !== 'GET' ||
				!/^\/api\/v1\/workflow\/[1-9][0-9]*\/runs(\/[1-9][0-9]*)?$/.test(request.path)
			)
				figures.violations.push(
					`request outside the list and run routes: ${request.method} ${request.path}`,
				);
			if (request.headers['x-api-key'] !== sandbox.apiKey)
				figures.violations.push(`request without the credential's key: ${request.path}`);
		}
		sandbox.clearRequests();
	}
	figures.extra.rows_out = rows;
	return figures;
}
