import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OUTCOMES } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

const sandbox = useSandbox({ timeScale: 0.01, concurrencyLimit: 1000 });
const AGENT = SEED.agents.renewal.id;

function getManyParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'call',
		operation: 'getMany',
		workflowId: { __rl: true, mode: 'id', value: String(AGENT) },
		returnAll: true,
		...overrides,
	};
}

async function getMany(overrides: INodeParameters = {}) {
	return await runNode({
		parameters: getManyParameters(overrides),
		credentials: credentialsFor(sandbox.current),
	});
}

function listReads() {
	return sandbox.current.requests.filter(
		(request) => request.method === 'GET' && request.path === `/api/v1/workflow/${AGENT}/runs`,
	);
}

function runReads() {
	return sandbox.current.requests.filter(
		(request) => request.method === 'GET' && /\/runs\/\d+$/.test(request.path),
	);
}

/** The agent's runs in the sandbox, newest first, as the API sorts them. */
function heldRuns(test: (run: ReturnType<typeof sandbox.current.runs>[number]) => boolean) {
	return sandbox.current
		.runs()
		.filter((run) => run.workflow_id === AGENT && test(run))
		.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
		.map((run) => run.id);
}

async function placeAndWait(phones: string[]) {
	const { error } = await runNode({
		parameters: triggerParameters({
			waitForCompletion: true,
			options: { pollIntervalSeconds: 0.1, maxWaitSeconds: 20, maxConcurrentCalls: 10 },
		}),
		items: phones.map((phone) => ({ phone, name: 'Jane' })),
		credentials: credentialsFor(sandbox.current),
	});
	expect(error).toBeUndefined();
	sandbox.current.requests.length = 0;
}

describe('Get Many Runs', () => {
	it('returns the calls the sandbox holds for a filter, across several pages', async () => {
		for (let i = 0; i < 130; i++)
			sandbox.current.startForeignRun('campaign', AGENT, { phone: `+1415555${3100 + i}` });
		const { json, error } = await getMany({
			filters: { callSources: ['campaign'] },
			options: { fetchFullRuns: false },
		});
		expect(error).toBeUndefined();
		const expected = heldRuns((run) => run.name.startsWith('WR-CAMPAIGN-'));
		expect(expected.length).toBeGreaterThanOrEqual(130);
		expect(json.map((row) => row.id)).toEqual(expected);
		const pages = listReads().map((request) => request.query.page);
		expect(pages.length).toBeGreaterThanOrEqual(2);
		expect(pages).toEqual(pages.map((_, i) => String(i + 1)));
		expect(runReads()).toHaveLength(0);
	});

	it('reads only the pages a limit needs, and fetches each run in full', async () => {
		for (let i = 0; i < 150; i++)
			sandbox.current.startForeignRun('campaign', AGENT, { phone: `+1415555${3300 + i}` });
		const { json } = await getMany({
			returnAll: false,
			limit: 3,
			filters: { callSources: ['campaign'] },
		});
		expect(json.map((row) => row.id)).toEqual(
			heldRuns((run) => run.name.startsWith('WR-CAMPAIGN-')).slice(0, 3),
		);
		expect(listReads()).toHaveLength(1);
		expect(runReads().map((request) => request.path)).toEqual(
			expect.arrayContaining(json.map((row) => `/api/v1/workflow/${AGENT}/runs/${row.id}`)),
		);
		expect(runReads()).toHaveLength(3);
		// Full runs: what list items leave out is there.
		expect(json[0]).toHaveProperty('public_access_token');
	});

	it('filters by outcome, phone number and disposition, with the Get Run output shape', async () => {
		await placeAndWait([
			OUTCOMES.answered.examplePhone,
			OUTCOMES.voicemail.examplePhone,
			OUTCOMES.busy.examplePhone,
		]);
		const voicemail = await getMany({
			filters: { outcomes: ['voicemail'] },
			options: { simplify: true },
		});
		expect(voicemail.json.map((row) => row.workflow_run_id)).toEqual(
			heldRuns(
				(run) =>
					run.is_completed && run.gathered_context?.call_disposition === 'voicemail_detected',
			),
		);
		expect(voicemail.json[0]).toMatchObject({
			run_status: 'voicemail',
			phone_number: OUTCOMES.voicemail.examplePhone,
			context_customer_name: 'Jane',
		});
		// Only finished runs are asked for.
		expect(JSON.parse(listReads()[0].query.filters)).toEqual([
			{ attribute: 'status', type: 'radio', value: { status: 'completed' } },
		]);

		const byPhone = await getMany({ filters: { phoneNumber: '+1 415 555 0001' } });
		expect(byPhone.json.map((row) => row.id)).toEqual(
			heldRuns((run) => run.initial_context?.called_number === OUTCOMES.busy.examplePhone),
		);
		expect(byPhone.json[0].run_status).toBe('not_connected');

		const byDisposition = await getMany({ filters: { dispositions: 'USER_HANGUP, busy' } });
		expect(new Set(byDisposition.json.map((row) => row.disposition))).toEqual(
			new Set(['user_hangup', 'busy']),
		);
		expect(byDisposition.json.map((row) => row.id)).toEqual(
			heldRuns((run) =>
				['user_hangup', 'busy'].includes(String(run.gathered_context?.call_disposition)),
			),
		);
	});

	it('sends the date range to the API and keeps only runs inside it', async () => {
		const runs = sandbox.current.runs().filter((run) => run.workflow_id === AGENT);
		const times = runs.map((run) => Date.parse(run.created_at)).sort((a, b) => a - b);
		const from = new Date(times[1]).toISOString();
		const to = new Date(times[times.length - 2]).toISOString();
		const { json } = await getMany({
			filters: { createdAfter: from, createdBefore: to, callSources: [] },
			options: { fetchFullRuns: false },
		});
		expect(json.map((row) => row.id)).toEqual(
			heldRuns((run) => {
				const at = Date.parse(run.created_at);
				return at >= Date.parse(from) && at <= Date.parse(to);
			}),
		);
		expect(json.length).toBeGreaterThan(0);
		const [filter] = JSON.parse(listReads()[0].query.filters) as IDataObject[];
		expect(filter).toEqual({
			attribute: 'dateRange',
			type: 'dateRange',
			value: { from: from.replace('Z', '+00:00'), to: to.replace('Z', '+00:00') },
		});
	});

	it('routes by outcome like Get Run, every run to the output of its status', async () => {
		await placeAndWait([OUTCOMES.answered.examplePhone, OUTCOMES.voicemail.examplePhone]);
		const seeded = new Set<number>(Object.values(SEED.runs));
		const placed = (phone: string) =>
			sandbox.current.runs().find((run) => run.phone_number === phone && !seeded.has(run.id))!.id;
		const { outputs } = await getMany({
			filters: { callSources: ['api'] },
			options: { routeByOutcome: true, fetchFullRuns: false },
		});
		// Completed, Voicemail, Not Connected, Failed (item errors only), Still Running, Not Called
		// (skipped items only); newest first.
		const R = SEED.runs;
		expect(outputs.map((items) => items.map((item) => item.json.id))).toEqual([
			[placed(OUTCOMES.answered.examplePhone), R.answered, R.answeredOlder],
			[placed(OUTCOMES.voicemail.examplePhone), R.voicemail],
			[R.busy, R.noAnswer, R.failedBeforeStart],
			[],
			[R.stuckInProgress],
			[],
		]);
		expect(outputs.map((items) => [...new Set(items.map((item) => item.json.run_status))])).toEqual(
			[['completed'], ['voicemail'], ['not_connected'], [], ['in_progress'], []],
		);
	});

	it('refuses a phone number filter that is not a number, before any request', async () => {
		const { error } = await getMany({ filters: { phoneNumber: 'call me' } });
		expect(error?.message).toContain('Phone Number filter: "call me"');
		expect(sandbox.current.requests).toHaveLength(0);
	});
});
