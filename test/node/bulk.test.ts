import { sleep } from 'n8n-workflow';

import { OUTCOMES } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { getRunParameters, triggerParameters } from './params';

const sandbox = useSandbox({ timeScale: 0.02, concurrencyLimit: 10 });

function customers(count: number, first = 4000) {
	return Array.from({ length: count }, (_, i) => ({
		phone: `+1415555${first + i}`,
		name: `Customer ${i}`,
	}));
}

function expectEachDialledOnce(items: Array<{ phone: string }>) {
	expect(items.map((item) => sandbox.current.dials(item.phone))).toEqual(items.map(() => 1));
}

describe('calling a list at the concurrency cap', () => {
	it('in campaign mode keeps live calls at the setting, so the cap never answers 429', async () => {
		const items = customers(25, 5000);
		let peak = 0;
		let running = true;
		const sampler = (async () => {
			while (running) {
				peak = Math.max(peak, sandbox.current.liveCalls());
				await sleep(5);
			}
		})();
		const { json, error } = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { maxConcurrentCalls: 10, pollIntervalSeconds: 0.1, maxWaitSeconds: 30 },
			}),
			items,
			credentials: credentialsFor(sandbox.current),
		});
		running = false;
		await sampler;
		expect(error).toBeUndefined();
		expect(json.map((row) => row.run_status)).toEqual(items.map(() => 'completed'));
		expect(peak).toBeLessThanOrEqual(10);
		expect(peak).toBeGreaterThanOrEqual(8);
		expect(triggerRequests(sandbox.current)).toHaveLength(items.length);
		expectEachDialledOnce(items);
	});

	it('keeps the input order and pairing when calls end in another order', async () => {
		const phones = [
			OUTCOMES.answered.examplePhone,
			OUTCOMES.busy.examplePhone,
			'+14155556001',
			OUTCOMES.failedBeforeStart.examplePhone,
			OUTCOMES.noAnswer.examplePhone,
		];
		const { outputs } = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { maxConcurrentCalls: 5, pollIntervalSeconds: 0.05 },
			}),
			items: phones.map((phone) => ({ phone, name: 'x' })),
			credentials: credentialsFor(sandbox.current),
		});
		expect(outputs[0].map((item) => item.json.phone_number)).toEqual(phones);
		expect(outputs[0].map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));
		expect(outputs[0].map((item) => item.json.run_status)).toEqual([
			'completed',
			'not_connected',
			'completed',
			// 0004 is a carrier failure after the 200 (docs/sysevo-api.md §6.9).
			'not_connected',
			'not_connected',
		]);
	});

	it('gives up on the cap after the configured wait, with a clear error and no call placed', async () => {
		sandbox.current.configure({ concurrencyLimit: 0 });
		const { error } = await runNode({
			parameters: triggerParameters({ options: { callLimitWaitSeconds: 1 } }),
			items: customers(1, 7000),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toBe(
			'Too many calls are live for your organisation: Concurrent call limit reached',
		);
		expect(error?.description).toContain('No call was placed');
		expect(triggerRequests(sandbox.current).length).toBeGreaterThan(1);
		expect(sandbox.current.dials('+14155557000')).toBe(0);
	});

	it('tries a row refused at the cap again as soon as a call of another execution ends', async () => {
		// One live call for the organisation; the first execution's call lasts 3 s (timeScale 0.02).
		sandbox.current.configure({ concurrencyLimit: 1, callDurationSeconds: 150 });
		const options = { maxConcurrentCalls: 1, pollIntervalSeconds: 0.05, maxWaitSeconds: 30 };
		const execution = (phone: { phone: string; name: string }, executionId: string) =>
			runNode({
				parameters: triggerParameters({ waitForCompletion: true, options }),
				items: [phone],
				credentials: credentialsFor(sandbox.current),
				executionId,
			});
		const [firstPhone, secondPhone] = customers(2, 6100);
		const first = execution(firstPhone, 'exec-first');
		while (sandbox.current.liveCalls() < 1) await sleep(5);
		const second = execution(secondPhone, 'exec-second');
		let firstCallEndedAt = 0;
		while (sandbox.current.liveCalls() > 0) await sleep(5);
		firstCallEndedAt = Date.now();
		const [firstRun, secondRun] = await Promise.all([first, second]);

		expect(firstRun.json[0].run_status).toBe('completed');
		expect(secondRun.json[0].run_status).toBe('completed');
		const secondTries = triggerRequests(sandbox.current).filter(
			(request) => (request.body as { phone_number: string }).phone_number === secondPhone.phone,
		);
		// Refused while the first call was live, then sent again once it ended: at the back-off's
		// own times (up to 3 s apart by then) only by chance within a few hundred milliseconds.
		expect(secondTries.length).toBeGreaterThan(1);
		expect(secondTries.at(-1)!.at - firstCallEndedAt).toBeLessThan(300);
		expect(sandbox.current.dials(secondPhone.phone)).toBe(1);
	});

	it('does not dial the rest of a list once an item fails without Continue On Fail', async () => {
		// One call at a time, so the items before the failing one are dialled before it fails.
		const items = [...customers(4, 8000), ...customers(20, 8100)];
		const failing = items[3].phone;
		sandbox.current.faults.inject({ kind: 'malformedJson', route: 'trigger', phone: failing });
		const { error } = await runNode({
			parameters: triggerParameters({ options: { maxConcurrentCalls: 1 } }),
			items,
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toBe('Sysevo answered with a body that is not valid JSON');
		expect(error?.context?.itemIndex).toBe(3);
		const sent = triggerRequests(sandbox.current).map(
			(request) => (JSON.parse(request.rawBody) as { phone_number: string }).phone_number,
		);
		expect(sent).toEqual(items.slice(0, 4).map((item) => item.phone));
		expect(items.map((item) => sandbox.current.dials(item.phone))).toEqual(
			items.map((_, i) => (i < 4 ? 1 : 0)),
		);
	});
});

describe('no double dials', () => {
	it.each([
		['resetAfterRead', 'The connection to Sysevo broke before an answer arrived', 1],
		['resetBeforeRead', 'The connection to Sysevo broke before an answer arrived', 0],
		['malformedJson', 'Sysevo answered with a body that is not valid JSON', 1],
	] as const)(
		'a trigger hit by %s is not retried and says the call may have been placed',
		async (kind, message, placed) => {
			// The fault hits only the first attempt: a retry would get through and place a(nother) call.
			sandbox.current.faults.inject({ kind, route: 'trigger', times: 1 });
			const { json } = await runNode({
				parameters: triggerParameters(),
				items: [{ phone: '+14155559100', name: 'Jane' }],
				credentials: credentialsFor(sandbox.current),
				continueOnFail: true,
			});
			expect(json).toHaveLength(1);
			expect(json[0].error).toBe(message);
			expect(json[0].description).toContain('The call may have been placed');
			expect(sandbox.current.dials('+14155559100')).toBe(placed);
		},
	);

	it('a trigger that hangs ends at the request timeout and is not retried', async () => {
		sandbox.current.faults.inject({ kind: 'hang', route: 'trigger', times: 1 });
		const { json } = await runNode({
			parameters: triggerParameters({ options: { timeoutSeconds: 1 } }),
			items: [{ phone: '+14155559200', name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(json[0].error).toBe('Sysevo did not answer within 1 seconds');
		expect(json[0].description).toContain('The call may have been placed');
		expect(sandbox.current.dials('+14155559200')).toBe(0);
		expect(triggerRequests(sandbox.current)).toHaveLength(1);
	});

	it('Get Run is retried through transient failures', async () => {
		const run = sandbox.current
			.runs()
			.find((candidate) => candidate.workflow_id === 312 && candidate.is_completed)!;
		sandbox.current.faults.inject({ kind: 'text500', route: 'getRun', times: 1 });
		sandbox.current.faults.inject({ kind: 'html502', route: 'getRun', times: 1 });
		const { json, error } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: '312' },
				runId: String(run.id),
			}),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json[0].id).toBe(run.id);
		expect(
			sandbox.current.requests.filter((request) => request.path.endsWith(`/runs/${run.id}`)),
		).toHaveLength(3);
	});
});
