import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, type RunResult } from '../helpers/engine';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

const sandbox = useSandbox();

/** The type name n8n runs the node under when an AI agent calls it as a tool. */
const TOOL_TYPE = 'n8n-nodes-sysevo.sysevoTool';

let executions = 0;

/**
 * One execution: the first run gets `runs[0]`, each later run of the same node the next list, as
 * an AI agent runs its tool node once per tool call.
 */
async function execute(
	runs: IDataObject[][],
	overrides: INodeParameters = {},
	asTool = true,
): Promise<RunResult> {
	return await runNode({
		parameters: triggerParameters(overrides),
		items: runs[0],
		laterRuns: runs.slice(1),
		credentials: credentialsFor(sandbox.current),
		executionId: `tool-mode-${++executions}`,
		...(asTool ? { typeName: TOOL_TYPE } : {}),
	});
}

function dialledNumbers(): string[] {
	return triggerRequests(sandbox.current).map(
		(request) => (JSON.parse(request.rawBody) as IDataObject).phone_number as string,
	);
}

const PHONES = [
	'+14155554301',
	'+14155554302',
	'+14155554303',
	'+14155554304',
	'+14155554305',
	'+14155554306',
];

describe('Max Calls per Execution', () => {
	it('as an AI tool, stops at 5 dials by default across the runs of one execution', async () => {
		const result = await execute(PHONES.map((phone) => [{ phone }]));

		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual(PHONES.slice(0, 5));
		expect(result.runs).toHaveLength(6);
		for (const run of result.runs.slice(0, 5))
			expect(run[0].workflow_run_id).toEqual(expect.any(Number));
		expect(result.runs[5]).toEqual([
			expect.objectContaining({
				run_status: 'not_called',
				not_called_reason: 'call_budget_reached',
				phone_number: PHONES[5],
				not_called_detail: expect.stringContaining('5 call(s)'),
			}),
		]);
		expect(result.runs[5][0].workflow_run_id).toBeUndefined();
	});

	it('as an AI tool, counts the set limit across runs and items', async () => {
		const result = await execute(
			[
				[{ phone: PHONES[0] }, { phone: PHONES[1] }],
				[{ phone: PHONES[2] }],
				[{ phone: PHONES[3] }],
			],
			{ options: { maxCallsPerExecution: 2 } },
		);

		expect(dialledNumbers()).toEqual(PHONES.slice(0, 2));
		expect(result.runs.flat().map((json) => json.not_called_reason ?? 'dialled')).toEqual([
			'dialled',
			'dialled',
			'call_budget_reached',
			'call_budget_reached',
		]);
		const hints = result.run.data.resultData.runData.Sysevo[2].hints ?? [];
		expect(hints.map((hint) => hint.message)).toContainEqual(
			expect.stringContaining('Max Calls per Execution'),
		);
	});

	it('in a workflow, has no limit unless set', async () => {
		const result = await execute([PHONES.map((phone) => ({ phone }))], {}, false);

		expect(result.error).toBeUndefined();
		expect(dialledNumbers().sort()).toEqual([...PHONES].sort());
		expect(result.json.map((json) => typeof json.workflow_run_id)).toEqual(
			PHONES.map(() => 'number'),
		);
	});

	it('in a workflow, dials at most the set number and returns the rest not called, in input order', async () => {
		const result = await execute(
			[PHONES.map((phone) => ({ phone }))],
			{ options: { maxCallsPerExecution: 2, maxConcurrentCalls: 1 } },
			false,
		);

		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual(PHONES.slice(0, 2));
		expect(result.json.map((json) => json.phone_number)).toEqual(PHONES);
		expect(result.json.slice(2).map((json) => json.not_called_reason)).toEqual(
			Array(4).fill('call_budget_reached'),
		);
	});

	it('gives the dial back when Sysevo answers that no call was placed', async () => {
		// The never-published agent's trigger path answers 404: no call is placed.
		const result = await execute(
			[
				[{ phone: PHONES[0], path: SEED.agents.leadQualifier.triggerPath }],
				[{ phone: PHONES[1], path: SEED.agents.renewal.triggerPath }],
			],
			{
				agentIdType: 'triggerUuid',
				triggerUuid: '={{ $json.path }}',
				options: { maxCallsPerExecution: 1 },
			},
		);

		expect(result.runs[0][0].error).toEqual(expect.any(String));
		expect(result.runs[1][0].workflow_run_id).toEqual(expect.any(Number));
		expect(dialledNumbers()).toEqual(PHONES.slice(0, 2));
		const runsOfThisTest = sandbox.current
			.runs()
			.filter((run) => PHONES.includes(run.phone_number as string));
		expect(runsOfThisTest.map((run) => run.phone_number)).toEqual([PHONES[1]]);
	});
});

describe('As an AI tool', () => {
	it('a refused number is a result with an error sentence for the model, not a failed execution', async () => {
		const result = await execute([[{ phone: '+19005550123' }], [{ phone: PHONES[0] }]]);

		expect(result.error).toBeUndefined();
		expect(result.runs[0]).toEqual([
			expect.objectContaining({ error: expect.stringMatching(/premium-rate/) }),
		]);
		expect(result.runs[0][0].workflow_run_id).toBeUndefined();
		expect(result.runs[1][0].workflow_run_id).toEqual(expect.any(Number));
		expect(dialledNumbers()).toEqual([PHONES[0]]);
	});

	it('in a workflow, the same refusal fails the execution without Continue On Fail', async () => {
		const result = await execute([[{ phone: '+19005550123' }]], {}, false);

		expect(result.error?.message).toMatch(/premium-rate/);
		expect(dialledNumbers()).toEqual([]);
	});

	it('ignores Route by Outcome: one output, every row with its run_status', async () => {
		const result = await execute([[{ phone: PHONES[0] }, { phone: '+14155550001' }]], {
			waitForCompletion: true,
			options: { routeByOutcome: true, maxWaitSeconds: 120 },
		});

		expect(result.outputs).toHaveLength(1);
		expect(result.json.map((json) => json.run_status)).toEqual(['completed', 'not_connected']);
	});

	it('a number asked for again in the same execution is not dialled again: the first result returns', async () => {
		const result = await execute([[{ phone: PHONES[0] }], [{ phone: PHONES[0] }]]);

		expect(dialledNumbers()).toEqual([PHONES[0]]);
		expect(result.runs[1]).toEqual(result.runs[0]);
		expect(result.runs[0][0].workflow_run_id).toEqual(expect.any(Number));
	});

	it('the same number in another execution is dialled', async () => {
		await execute([[{ phone: PHONES[0] }]]);
		await execute([[{ phone: PHONES[0] }]]);

		expect(dialledNumbers()).toEqual([PHONES[0], PHONES[0]]);
	});

	it('leaves public links and their token out of a waited result unless Include Public Links is on', async () => {
		const waited = { waitForCompletion: true, options: { maxWaitSeconds: 120 } };
		const hidden = await execute([[{ phone: PHONES[0] }]], waited);
		const shown = await execute([[{ phone: PHONES[1] }]], {
			...waited,
			options: { maxWaitSeconds: 120, includePublicLinks: true },
		});

		expect(hidden.json[0]).toEqual(expect.objectContaining({ run_status: 'completed' }));
		expect(JSON.stringify(hidden.json)).not.toMatch(/public_access_token|_public_url/);
		expect(shown.json[0].public_access_token).toEqual(expect.any(String));
		expect(shown.json[0].recording_public_url).toEqual(expect.any(String));
	});

	it('in a workflow, public links stay on by default', async () => {
		const result = await execute(
			[[{ phone: PHONES[0] }]],
			{ waitForCompletion: true, options: { maxWaitSeconds: 120 } },
			false,
		);

		expect(result.json[0].public_access_token).toEqual(expect.any(String));
	});
});
