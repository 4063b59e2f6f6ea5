import { sleep, type IDataObject } from 'n8n-workflow';

import { NODE_NAME, runNode, type RunResult } from '../helpers/engine';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

const sandbox = useSandbox();

const ROWS = Array.from({ length: 20 }, (_, i) => ({
	phone: `+1415555${String(6100 + i)}`,
	name: `Customer ${i}`,
}));

const within24h = triggerParameters({ options: { skipIfCalledWithinHours: 24 } });

function run(
	items: IDataObject[],
	parameters = within24h,
	executionId?: string,
	continueOnFail = false,
) {
	return runNode({
		parameters,
		items,
		credentials: credentialsFor(sandbox.current),
		executionId,
		continueOnFail,
	});
}

function hintsOf(result: RunResult): string[] {
	return (result.run?.data.resultData.runData[NODE_NAME]?.[0]?.hints ?? []).map(
		(hint) => hint.message,
	);
}

function runListReads() {
	return sandbox.current.requests.filter(
		(request) => request.method === 'GET' && /\/workflow\/\d+\/runs$/.test(request.path),
	);
}

describe('Skip If Called Within', () => {
	it('running the same 20 rows twice within 24 hours dials 20 numbers in all', async () => {
		// Calls that outlast both executions, under a cap that takes all 20: the second execution
		// finds every call in progress, with no outcome yet.
		sandbox.current.configure({ callDurationSeconds: 3000, concurrencyLimit: 100 });
		const first = await run(ROWS);
		expect(first.error).toBeUndefined();
		expect(first.json.map((json) => json.skipped)).toEqual(ROWS.map(() => undefined));

		const second = await run(ROWS, within24h, 'exec-skip-2');
		expect(second.error).toBeUndefined();
		expect(
			sandbox.current
				.runs()
				.filter(
					(record) =>
						record.phone_number.startsWith('+1415555610') ||
						record.phone_number.startsWith('+1415555611'),
				),
		).toHaveLength(20);
		expect(ROWS.map((row) => sandbox.current.dials(row.phone))).toEqual(ROWS.map(() => 1));
		expect(second.outputs[0].map((item) => item.pairedItem)).toEqual(
			ROWS.map((_, item) => ({ item })),
		);
		for (const [i, json] of second.json.entries()) {
			const reason = `This agent called ${ROWS[i].phone} within the last 24 hour(s): run ${first.json[i].workflow_run_id}`;
			expect(json).toEqual({
				run_status: 'not_called',
				not_called_reason: 'called_within',
				not_called_detail: expect.stringContaining(reason),
				next_call_at: expect.any(String),
				skipped: true,
				skip_reason: expect.stringContaining(reason),
				phone_number: ROWS[i].phone,
				workflow_id: SEED.agents.renewal.id,
				draft: false,
				earlier_run_id: first.json[i].workflow_run_id,
				earlier_run_created_at: expect.any(String),
				earlier_run_status: 'in_progress',
				earlier_disposition: null,
			});
		}
		expect(hintsOf(second)).toContainEqual(
			expect.stringContaining('20 item(s) were not dialled because this agent already called'),
		);
		// One pass over the run list per execution, with the window as a date-range filter.
		const reads = runListReads();
		expect(reads.length).toBeGreaterThanOrEqual(2);
		const filters = JSON.parse(reads[reads.length - 1].query.filters) as IDataObject[];
		expect(filters).toEqual([
			{ attribute: 'dateRange', type: 'dateRange', value: { from: expect.any(String) } },
		]);
		const from = Date.parse((filters[0].value as { from: string }).from);
		expect(Math.abs(Date.now() - 24 * 3_600_000 - from)).toBeLessThan(10 * 60_000);
	});

	it('reads every page of the window: a call on the second page still skips', async () => {
		const many = Array.from({ length: 110 }, (_, i) => ({
			phone: `+1415555${String(7000 + i)}`,
			name: `Bulk ${i}`,
		}));
		const placed = await run(many, triggerParameters({ options: { maxConcurrentCalls: 10 } }));
		expect(placed.error).toBeUndefined();
		// Newest first, the oldest of these calls is past the first page of 100.
		const result = await run([many[0]], within24h, 'exec-skip-pages');
		expect(result.json[0]).toMatchObject({
			skipped: true,
			earlier_run_id: placed.json[0].workflow_run_id,
		});
		const pages = runListReads().map((request) => request.query.page);
		expect(pages).toEqual(['1', '2']);
		expect(sandbox.current.dials(many[0].phone)).toBe(1);
	});

	it('dials a number that appears twice in one list once; the second item is skipped', async () => {
		const phone = '+14155556201';
		const items = [
			{ phone, name: 'First' },
			{ phone: '+14155556202', name: 'Other' },
			{ phone, name: 'Again' },
		];
		const result = await run(items);
		expect(result.error).toBeUndefined();
		expect(sandbox.current.dials(phone)).toBe(1);
		expect(sandbox.current.dials('+14155556202')).toBe(1);
		const sent = triggerRequests(sandbox.current).map((request) => JSON.parse(request.rawBody));
		expect(sent.filter((body) => body.phone_number === phone)).toEqual([
			expect.objectContaining({ initial_context: { customer_name: 'First' } }),
		]);
		expect(result.json[0]).toMatchObject({ status: 'initiated', phone_number: phone });
		expect(result.json[2]).toMatchObject({
			skipped: true,
			skip_reason: expect.stringContaining(`Item 0 of this execution calls ${phone}`),
			earlier_run_id: result.json[0].workflow_run_id,
			earlier_item_index: 0,
		});
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	it('sends the second item when the first one placed no call', async () => {
		// Numbers ending 0005 are refused by the telephony provider: a 400, and nobody is dialled.
		const phone = '+14155560005';
		const result = await run(
			[
				{ phone, name: 'First' },
				{ phone, name: 'Second' },
			],
			within24h,
			undefined,
			true,
		);
		expect(sandbox.current.triggerRequests(phone)).toBe(2);
		expect(result.json.map((json) => json.error)).toEqual([
			expect.stringContaining('The telephony provider rejected the call'),
			expect.stringContaining('The telephony provider rejected the call'),
		]);
	});

	it('skips the second item when the first one may have placed its call', async () => {
		const phone = '+14155556302';
		sandbox.current.faults.inject({ kind: 'json503', route: 'trigger', phone, times: 1 });
		const result = await run(
			[
				{ phone, name: 'First' },
				{ phone, name: 'Second' },
			],
			within24h,
			undefined,
			true,
		);
		expect(sandbox.current.triggerRequests(phone)).toBe(1);
		expect(result.json[0].description).toContain('The call may have been placed');
		expect(result.json[1]).toMatchObject({
			skipped: true,
			skip_reason: `Item 0 of this execution calls ${phone} (its call may have been placed)`,
			earlier_run_id: null,
			earlier_item_index: 0,
		});
	});

	it('uses the run list window: a call 8 hours ago skips, one 26 hours ago does not', async () => {
		// Seeded runs of the renewal agent: +14155550002 eight hours ago, +14155550003 26 hours ago.
		const result = await run([
			{ phone: '+14155550002', name: 'Recent' },
			{ phone: '+14155550003', name: 'Older' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({
			skipped: true,
			earlier_run_id: SEED.runs.noAnswer,
			earlier_run_status: 'not_connected',
			earlier_disposition: 'no-answer',
		});
		expect(result.json[1]).toMatchObject({ status: 'initiated', phone_number: '+14155550003' });
		expect(sandbox.current.dials('+14155550002')).toBe(0);
		expect(sandbox.current.dials('+14155550003')).toBe(1);
	});

	it('does not count a failed initiation, which dialled nobody', async () => {
		const phone = '+14155556401';
		sandbox.current.configure({ quotaExhausted: true });
		const refused = await run([{ phone, name: 'No credits' }]);
		expect(refused.error?.message).toContain('out of call credits');
		sandbox.current.configure({ quotaExhausted: false });
		const retried = await run([{ phone, name: 'No credits' }], within24h, 'exec-skip-credits');
		expect(retried.error).toBeUndefined();
		expect(retried.json[0]).toMatchObject({ status: 'initiated', phone_number: phone });
		expect(sandbox.current.dials(phone)).toBe(1);
	});

	it('catches an overlapping execution once its call is in the run list', async () => {
		const phone = '+14155556501';
		sandbox.current.configure({ callDurationSeconds: 600 });
		const waiting = triggerParameters({
			waitForCompletion: true,
			options: { skipIfCalledWithinHours: 24, pollIntervalSeconds: 1, maxWaitSeconds: 1 },
		});
		const first = run([{ phone, name: 'First' }], waiting, 'exec-overlap-a');
		while (!sandbox.current.runs().some((record) => record.phone_number === phone)) await sleep(5);
		const second = await run([{ phone, name: 'Second' }], within24h, 'exec-overlap-b');
		const firstRun = sandbox.current.runs().find((record) => record.phone_number === phone);
		expect(second.json[0]).toMatchObject({
			skipped: true,
			earlier_run_id: firstRun?.id,
			earlier_run_status: 'in_progress',
		});
		await first;
		expect(sandbox.current.dials(phone)).toBe(1);
	});

	it("fails the item, without dialling, when the agent list is down, and says so (not 'not found')", async () => {
		sandbox.current.faults.inject({ kind: 'json503', route: 'listAgents', times: Infinity });
		const phone = '+14155556601';
		const result = await run([{ phone, name: 'Unchecked' }]);
		expect(result.error?.message).toMatch(
			/^Skip If Called Within needs the agent's ID, and Sysevo's agent list could not be read \(HTTP 503\)/,
		);
		expect(result.error?.description).toContain('No call was placed');
		expect(sandbox.current.dials(phone)).toBe(0);
	});

	it('is off by default: the same number twice is dialled twice', async () => {
		const phone = '+14155556701';
		const result = await run(
			[
				{ phone, name: 'One' },
				{ phone, name: 'Two' },
			],
			triggerParameters(),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.current.dials(phone)).toBe(2);
		expect(runListReads()).toHaveLength(0);
	});
});
