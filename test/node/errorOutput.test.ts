import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { configuredOutputs, outputIndexFor } from '../../nodes/Sysevo/actions/outputs';
import { OUTCOMES } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

// Calls last 30 s × 0.05 = 1.5 s here.
const sandbox = useSandbox({ timeScale: 0.05, concurrencyLimit: 60 });

const GOOD = '+14155552671';
const ROUTED = ['Completed', 'Voicemail', 'Not Connected', 'Failed', 'Still Running', 'Not Called'];

function waiting(options: IDataObject = {}) {
	return triggerParameters({
		waitForCompletion: true,
		options: { pollIntervalSeconds: 0.1, maxWaitSeconds: 20, ...options },
	});
}

async function run(
	parameters: INodeParameters,
	phones: string[],
	onError?: 'continueErrorOutput' | 'continueRegularOutput',
	executionId?: string,
) {
	return await runNode({
		parameters,
		items: phones.map((phone, k) => ({ phone, name: `Customer ${k}` })),
		credentials: credentialsFor(sandbox.current),
		settings: onError ? { onError } : {},
		executionId,
	});
}

const pairedIndex = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;
const dialled = () =>
	triggerRequests(sandbox.current).map(
		(request) => (JSON.parse(request.rawBody) as IDataObject).phone_number,
	);

describe('On Error → Continue (using error output)', () => {
	it('sends a refused row to the Error output with its error, and the call to Success', async () => {
		const { outputs, error } = await run(triggerParameters(), [GOOD, '12'], 'continueErrorOutput');
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		const [success, failed] = outputs;
		expect(success.map((item) => item.json.phone_number)).toEqual([GOOD]);
		expect(success[0].json.workflow_run_id).toEqual(expect.any(Number));
		expect(failed).toHaveLength(1);
		expect(pairedIndex(failed[0])).toBe(1);
		// The row is the error alone, so n8n merges its input row into it on the Error output.
		expect(Object.keys(failed[0].json)).toEqual(['error']);
		expect(failed[0].json.error).toMatch(/country code/);
		expect(dialled()).toEqual([GOOD]);
	});

	it('keeps both rows on the main output with Continue (regular output), the refused one naming its error', async () => {
		const { outputs } = await run(triggerParameters(), [GOOD, '12'], 'continueRegularOutput');
		expect(outputs).toHaveLength(1);
		expect(outputs[0].map(pairedIndex)).toEqual([0, 1]);
		expect(outputs[0][0].json.error).toBeUndefined();
		expect(outputs[0][1].json.error).toMatch(/country code/);
	});

	it('with Route by Outcome and waiting, routes outcomes and puts the refused row last, on Error', async () => {
		const phones = [
			OUTCOMES.answered.examplePhone,
			OUTCOMES.voicemail.examplePhone,
			OUTCOMES.busy.examplePhone,
			'+1900555012',
		];
		const { outputs, error } = await run(
			waiting({ routeByOutcome: true, simplify: true }),
			phones,
			'continueErrorOutput',
		);
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(ROUTED.length + 1);
		const byOutput = outputs.map((items) => items.map(pairedIndex));
		expect(byOutput).toEqual([[0], [1], [2], [], [], [], [3]]);
		expect(outputs[6][0].json.error).toEqual(expect.any(String));
		expect(dialled().sort()).toEqual(phones.slice(0, 3).sort());
	});
});

describe('Not called is not failed', () => {
	it('a row skipped by Skip If Called Within leaves on Not Called (index 5) with its reason, never on Failed', async () => {
		const parameters = waiting({
			routeByOutcome: true,
			simplify: true,
			skipIfCalledWithinHours: 24,
		});
		// Numbers the seeded run list has never called (…0001 is busy).
		const fresh = '+14155557401';
		const first = await run(parameters, [fresh], undefined, 'exec-first');
		expect(first.outputs[0].map(pairedIndex)).toEqual([0]);

		const second = await run(parameters, [fresh, '+14155580001'], undefined, 'exec-again');
		expect(second.error).toBeUndefined();
		expect(second.outputs.map((items) => items.map(pairedIndex))).toEqual([
			[],
			[],
			[1],
			[],
			[],
			[0],
		]);
		const row = second.outputs[5][0].json;
		expect(row).toMatchObject({
			run_status: 'not_called',
			not_called_reason: 'called_within',
			phone_number: fresh,
			earlier_run_id: first.outputs[0][0].json.workflow_run_id,
		});
		// One day after the earlier call, which the run list dates.
		const earlierAt = Date.parse(row.earlier_run_created_at as string);
		expect(Date.parse(row.next_call_at as string) - earlierAt).toBe(24 * 3_600_000);
		// Simplify keeps the same columns on every row, the not-called ones empty on a call.
		expect(Object.keys(second.outputs[2][0].json)).toEqual(Object.keys(row));
		expect(second.outputs[2][0].json.not_called_reason).toBeNull();
		expect(dialled().filter((phone) => phone === fresh)).toHaveLength(1);
	});

	it('without routing, the skipped row stays on the main output and is not an error', async () => {
		const parameters = triggerParameters({ options: { skipIfCalledWithinHours: 24 } });
		await run(parameters, ['+14155557402'], undefined, 'exec-a');
		const { outputs } = await run(parameters, ['+14155557402'], 'continueErrorOutput', 'exec-b');
		expect(outputs[1]).toEqual([]);
		expect(outputs[0][0].json).toMatchObject({
			run_status: 'not_called',
			not_called_reason: 'called_within',
			skipped: true,
		});
		expect(outputs[0][0].error).toBeUndefined();
	});

	it('outputIndexFor refuses a status it does not know instead of choosing Failed', () => {
		const outputs = configuredOutputs({
			operation: 'getRun',
			options: { routeByOutcome: true },
		});
		expect(outputs.map((output) => output.displayName)).toEqual(ROUTED);
		expect(outputIndexFor(outputs, 'not_called')).toBe(5);
		expect(outputIndexFor(outputs, 'failed')).toBe(3);
		expect(() => outputIndexFor(outputs, undefined)).toThrow(/run_status/);
		expect(() => outputIndexFor(outputs, 'toString')).toThrow(/run_status/);
	});
});

describe('Max Concurrent Calls counts live calls', () => {
	it('holds the slot of a call still live at Max Wait until it ends', async () => {
		const phones = Array.from({ length: 6 }, (_, k) => `+1415555${String(7300 + k)}`);
		const { json, error } = await run(
			waiting({ maxConcurrentCalls: 2, maxWaitSeconds: 0.3 }),
			phones,
		);
		expect(error).toBeUndefined();
		expect(json.map((row) => row.timed_out)).toEqual(phones.map(() => true));
		expect(dialled().sort()).toEqual([...phones].sort());
		expect(sandbox.current.stats().maxLiveCalls).toBeLessThanOrEqual(2);
	});
});

describe('The transcript grace', () => {
	it('is not waited for when neither Include Transcript nor Download Recording is on', async () => {
		sandbox.current.configure({ transcriptDelaySeconds: 100_000 });
		const { json, error } = await run(waiting(), [GOOD]);
		expect(error).toBeUndefined();
		expect(json[0]).toMatchObject({ run_status: 'completed', outcome_settled: true });
		expect(json[0].transcript_url ?? null).toBeNull();
		expect(json[0].workflow_id).toBe(SEED.agents.renewal.id);
	});
});
