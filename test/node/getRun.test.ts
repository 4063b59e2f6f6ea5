import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import { getRunParameters, triggerParameters } from './params';

const sandbox = useSandbox();

describe('Get Run', () => {
	it('chains straight after Trigger Call with its default expressions', async () => {
		const triggered = await runNode({
			parameters: triggerParameters(),
			items: [{ phone: '+14155552671', name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(triggered.error).toBeUndefined();

		const { json, error } = await runNode({
			parameters: getRunParameters(),
			items: triggered.json,
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		const runId = triggered.json[0].workflow_run_id;
		expect(json[0]).toMatchObject({
			id: runId,
			workflow_id: SEED.agents.renewal.id,
			is_completed: false,
			run_status: 'in_progress',
			disposition: null,
		});
		const read = sandbox.current.requests.filter(
			(request) => request.method === 'GET' && request.path.includes('/runs/'),
		);
		expect(read.map((request) => request.path)).toEqual([
			`/api/v1/workflow/${SEED.agents.renewal.id}/runs/${runId}`,
		]);
		expect(read[0].headers['x-api-key']).toBe(SEED.apiKey);
	});

	it('returns the run untouched plus the derived summary once the call has ended', async () => {
		const completed = sandbox.current
			.runs()
			.find(
				(run) =>
					run.workflow_id === SEED.agents.renewal.id &&
					run.is_completed &&
					run.gathered_context?.call_disposition === 'user_hangup',
			);
		expect(completed).toBeDefined();
		const { json } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'list', value: String(completed!.workflow_id) },
				runId: String(completed!.id),
			}),
			credentials: credentialsFor(sandbox.current),
		});
		const { run_status, disposition, duration_seconds, cost_usd, ...rest } = json[0];
		expect({ run_status, disposition }).toEqual({
			run_status: 'completed',
			disposition: 'user_hangup',
		});
		expect(duration_seconds).toEqual(expect.any(Number));
		// Dograh tokens are US cents (docs/sysevo-api.md §2.3).
		expect(cost_usd).toBe(
			(rest.cost_info as { dograh_token_usage: number }).dograh_token_usage / 100,
		);
		const run = Object.fromEntries(
			Object.entries(rest).filter(([key]) => !key.startsWith('extracted_')),
		);
		const asServed = await fetch(
			`${sandbox.current.baseUrl}/workflow/${completed!.workflow_id}/runs/${completed!.id}`,
			{ headers: { 'X-API-Key': SEED.apiKey } },
		);
		expect(run).toEqual(await asServed.json());
		expect(typeof duration_seconds).toBe('number');
		expect(run).toMatchObject({
			id: completed!.id,
			is_completed: true,
			gathered_context: completed!.gathered_context,
		});
	});

	it('says which run was not found and what to check', async () => {
		const { error } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: '312' },
				runId: '999999',
			}),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toBe('Not found: Workflow run not found');
		expect(error?.description).toContain('workflow_run_id returned by Trigger Call');
		expect(error?.httpCode).toBe('404');
	});

	it.each([
		{ agent: null, when: 'the input has no agent' },
		{ agent: 'abc', when: 'the input has an unusable agent' },
		{ agent: undefined, when: 'the field is empty' },
	])('needs only the run ID: sends 0 and returns the run when $when', async ({ agent }) => {
		const completed = sandbox.current
			.runs()
			.find((run) => run.workflow_id === SEED.agents.renewal.id && run.is_completed);
		const { json, error } = await runNode({
			parameters: getRunParameters(
				agent === undefined ? { workflowId: { __rl: true, mode: 'id', value: '' } } : {},
			),
			items: [{ workflow_id: agent, workflow_run_id: completed!.id }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json[0]).toMatchObject({ id: completed!.id, workflow_id: SEED.agents.renewal.id });
		expect(sandbox.current.requests.map((request) => request.path)).toEqual([
			`/api/v1/workflow/0/runs/${completed!.id}`,
		]);
	});

	it.each([
		[{ workflow_id: 312, workflow_run_id: '48213/../../1' }, 'The run ID is "48213/../../1"'],
		[{ workflow_id: 312, workflow_run_id: -4 }, 'The run ID is "-4"'],
		[{ workflow_id: 312 }, 'The run ID is empty'],
	])('rejects bad identifiers from earlier nodes before any request: %j', async (item, message) => {
		const { error } = await runNode({
			parameters: getRunParameters(),
			items: [item],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(message);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('flags a typed agent ID that is not a number before running', async () => {
		const { error } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: 'abc' },
				runId: '1',
			}),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain('The agent ID is a whole number');
		expect(sandbox.current.requests).toHaveLength(0);
	});
});
