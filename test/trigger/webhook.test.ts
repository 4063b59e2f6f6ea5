import { HookContext } from 'n8n-core';
import { Workflow, type IDataObject, type INode, type INodeParameters } from 'n8n-workflow';

import { SysevoTrigger } from '../../nodes/SysevoTrigger/SysevoTrigger.node';
import { additionalDataFor, nodeTypesFor, runNode } from '../helpers/engine';
import { WEBHOOK_TEST_SECRETS } from '../helpers/leaks';
import { credentialsFor, useSandbox } from '../helpers/sandbox';
import { startServer } from '../helpers/servers';
import { getRunParameters } from '../node/params';
import {
	PHONES,
	placeCalls,
	RENEWAL,
	TRIGGER_TYPE,
	triggerParameters,
	waitUntil,
	webhookTrigger,
} from './harness';

const sandbox = useSandbox();
// The secret as workflows saved before the Sysevo Webhook API credential carry it (a parameter).
const SHARED = WEBHOOK_TEST_SECRETS.legacy;
const AUTH = { 'X-Sysevo-Secret': SHARED };

type Receiver = Awaited<ReturnType<typeof webhookTrigger>>;
let receiver: Receiver;

async function receiverWith(parameters: INodeParameters = {}): Promise<Receiver> {
	await receiver?.close();
	receiver = await webhookTrigger({ secret: SHARED, ...parameters });
	return receiver;
}

afterAll(async () => {
	await receiver?.close();
});

/** A payload as the README's template renders it for a finished call. */
function payload(overrides: IDataObject = {}): IDataObject {
	return {
		workflow_run_id: 48500,
		workflow_run_name: 'WR-API-1234',
		workflow_id: RENEWAL.id,
		workflow_name: RENEWAL.name,
		call_time: '2026-06-20T14:03:11.512345Z',
		initial_context: {
			phone_number: '+14155552671',
			customer_name: 'Jane',
			trigger_mode: 'production',
		},
		gathered_context: {
			call_disposition: 'user_hangup',
			call_tags: ['user_speech'],
			extracted_variables: { appointment_confirmed: true, callback: { day: 'Monday' } },
		},
		cost_info: { call_duration_seconds: 93.7 },
		annotations: {},
		recording_url: 'https://api.sysevo.io/api/v1/public/download/workflow/5f0c2a8e/recording',
		transcript_url: 'https://api.sysevo.io/api/v1/public/download/workflow/5f0c2a8e/transcript',
		...overrides,
	};
}

describe('Sysevo Trigger, webhook', () => {
	it("receives the agent's Webhook node delivery after a call, in the shape Get Run returns", async () => {
		const trigger = await receiverWith({ options: { includeTranscript: true } });
		// The platform drops secret-looking custom headers; the README's way is a credential.
		sandbox.current.setAgentWebhook(RENEWAL.id, {
			url: trigger.url,
			credential: { type: 'custom_header', headerName: 'X-Sysevo-Secret', headerValue: SHARED },
		});
		const [runId] = await placeCalls(sandbox.current, [PHONES.answered(40)]);
		await waitUntil(() => trigger.emitted.length > 0, 15_000, 'the webhook delivery');

		expect(trigger.emitted).toHaveLength(1);
		const [item] = trigger.emitted;
		const { json } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: String(RENEWAL.id) },
				runId: String(runId),
			}),
			credentials: credentialsFor(sandbox.current),
		});
		const fromGetRun = json[0];
		expect(item).toMatchObject({
			id: runId,
			name: fromGetRun.name,
			workflow_id: RENEWAL.id,
			workflow_name: RENEWAL.name,
			is_completed: true,
			initial_context: fromGetRun.initial_context,
			gathered_context: fromGetRun.gathered_context,
			run_status: 'completed',
			disposition: 'user_hangup',
			transcript_source: 'file',
		});
		// The platform renders call_time with Python's str(): the same instant, written +00:00.
		expect(Date.parse(String(item.created_at))).toBe(Date.parse(String(fromGetRun.created_at)));
		for (const key of Object.keys(fromGetRun).filter((name) => name.startsWith('extracted_'))) {
			expect(item[key]).toEqual(fromGetRun[key]);
		}
		expect(item.duration_seconds).toBeCloseTo(fromGetRun.duration_seconds as number, 0);
		expect(item.recording_public_url).toBe(fromGetRun.recording_public_url);
		expect(item.transcript_public_url).toBe(fromGetRun.transcript_public_url);
		expect(item.transcript).toEqual(expect.stringContaining('assistant:'));
	});

	it('emits a delivery once when repeats arrive while its output is still being prepared', async () => {
		// The transcript download keeps the first delivery busy while its repeats come in.
		const transcripts = await startServer(() => ({
			headers: { 'content-type': 'text/plain' },
			body: 'user: hello',
		}));
		const trigger = await receiverWith({ options: { includeTranscript: true } });
		const body = payload({ workflow_run_id: 48600, transcript_url: `${transcripts.origin}/t` });
		const headers = { ...AUTH, 'X-Dograh-Delivery-Id': 'b3c1d2e4-48600' };
		const answers = await Promise.all(
			Array.from({ length: 5 }, async () => await trigger.post(body, headers)),
		);
		await transcripts.close();

		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
		expect(trigger.emitted.map((item) => item.id)).toEqual([48600]);
		expect(transcripts.requests).toHaveLength(1);
	});

	it('starts a run on the retry when n8n could not start it the first time (answered 500)', async () => {
		let failures = 1;
		await receiver?.close();
		receiver = await webhookTrigger({ secret: SHARED }, { startFails: () => failures-- > 0 });
		const headers = { ...AUTH, 'X-Dograh-Delivery-Id': 'c4d5e6f7-48601' };
		const body = payload({ workflow_run_id: 48601 });

		const first = await fetch(receiver.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		});
		const retry = await receiver.post(body, headers);
		const repeat = await receiver.post(body, headers);

		expect(first.status).toBe(500);
		expect(retry).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(repeat.body.ignored).toBe(
			'Run 48601 was already received; a repeated delivery starts nothing',
		);
		expect(receiver.emitted.map((item) => item.id)).toEqual([48601]);
	});

	it('answers 401 and starts nothing without the right secret', async () => {
		const trigger = await receiverWith();
		const wrong = await trigger.post(payload(), { 'X-Sysevo-Secret': `${SHARED}x` });
		const missing = await trigger.post(payload());
		const elsewhere = await trigger.post(payload(), { Authorization: `Bearer ${SHARED}` });

		for (const answer of [wrong, missing, elsewhere]) {
			expect(answer).toEqual({
				status: 401,
				body: { error: 'Missing or wrong shared secret in the X-Sysevo-Secret header' },
			});
		}
		expect(trigger.emitted).toEqual([]);
	});

	it('accepts a Bearer token when the secret header is Authorization', async () => {
		const trigger = await receiverWith({ headerName: 'Authorization' });
		expect((await trigger.post(payload(), { Authorization: `Bearer ${SHARED}` })).status).toBe(200);
		expect(
			(await trigger.post(payload(), { Authorization: 'Bearer nope-nope-nope-nope' })).status,
		).toBe(401);
		expect(trigger.emitted.map((item) => item.id)).toEqual([48500]);
	});

	it('never accepts requests while no usable secret is configured', async () => {
		const trigger = await receiverWith({ secret: '' });
		expect((await trigger.post(payload(), { 'X-Sysevo-Secret': '' })).status).toBe(401);
		expect(trigger.emitted).toEqual([]);
	});

	it.each([
		['a body that is not JSON', 'call ended', 'The body must be a JSON object'],
		['a JSON array', [payload()], 'The body must be a JSON object'],
		[
			'no run id',
			payload({ workflow_run_id: undefined }),
			'The workflow_run_id is empty; it must be a positive whole number',
		],
		[
			'a run id that is not a number',
			payload({ workflow_run_id: 'abc' }),
			'The workflow_run_id is "abc"; it must be a positive whole number',
		],
	])('answers 400 and starts nothing for %s', async (_case, body, reason) => {
		const trigger = await receiverWith();
		const answer = await trigger.post(body, AUTH);
		expect(answer.status).toBe(400);
		expect(String(answer.body.error)).toContain(reason);
		expect(trigger.emitted).toEqual([]);
	});

	it('emits a run whose context is not a JSON object, kept as text with a warning', async () => {
		const trigger = await receiverWith();
		const answer = await trigger.post(
			payload({ gathered_context: "{'call_disposition': 'busy'}" }),
			AUTH,
		);
		expect(answer).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(trigger.emitted).toEqual([
			expect.objectContaining({
				id: 48500,
				gathered_context: "{'call_disposition': 'busy'}",
				payload_warnings: [
					'gathered_context is not a JSON object, so it is kept as text; put "{{gathered_context}}" in the template as a whole value',
				],
			}),
		]);
	});

	it('reads values a template rendered as text', async () => {
		const trigger = await receiverWith();
		const answer = await trigger.post(
			payload({
				workflow_run_id: '48501',
				workflow_id: String(RENEWAL.id),
				gathered_context: JSON.stringify({
					call_tags: ['not_connected', 'telephony_busy'],
					call_disposition: 'busy',
				}),
				cost_info: '',
				recording_url: 'None',
				transcript_url: '',
			}),
			AUTH,
		);
		expect(answer).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(trigger.emitted[0]).toMatchObject({
			id: 48501,
			workflow_id: RENEWAL.id,
			run_status: 'not_connected',
			disposition: 'busy',
			duration_seconds: null,
			cost_info: null,
			recording_public_url: null,
			transcript_public_url: null,
		});
	});

	it('takes the disposition Sysevo adds at the top level when the template has none', async () => {
		const trigger = await receiverWith({ options: { simplify: true } });
		await trigger.post({ workflow_run_id: 48502, call_disposition: 'voicemail_detected' }, AUTH);
		expect(trigger.emitted).toEqual([
			expect.objectContaining({
				workflow_run_id: 48502,
				run_status: 'voicemail',
				disposition: 'voicemail_detected',
			}),
		]);
	});

	it('applies the filters and answers 200 to calls it leaves out', async () => {
		const trigger = await receiverWith({ filters: { outcomes: ['not_connected'] } });
		const answered = await trigger.post(payload(), AUTH);
		const draft = await trigger.post(
			payload({
				workflow_run_id: 48503,
				workflow_run_name: 'WR-TEST-1111',
				gathered_context: { call_disposition: 'busy' },
			}),
			AUTH,
		);
		const busy = await trigger.post(
			payload({ workflow_run_id: 48504, gathered_context: { call_disposition: 'busy' } }),
			AUTH,
		);

		expect(answered).toEqual({
			status: 200,
			body: { received: true, ignored: 'The run does not match the trigger filters' },
		});
		expect(draft.body.ignored).toBeDefined();
		expect(busy).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(trigger.emitted.map((item) => item.id)).toEqual([48504]);
	});

	describe('registration', () => {
		function nodeWith(parameters: INodeParameters): { workflow: Workflow; node: INode } {
			const node: INode = {
				id: 'c4b2e6d3-0000-4000-8000-000000000009',
				name: 'Sysevo Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: triggerParameters(parameters),
			};
			const workflow = new Workflow({
				id: 'wf',
				nodes: [node],
				connections: {},
				active: true,
				nodeTypes: nodeTypesFor({ [TRIGGER_TYPE]: new SysevoTrigger() }),
			});
			return { workflow, node };
		}

		it('declares its webhook only in webhook mode, so a polling trigger registers no URL', () => {
			const [webhook] = new SysevoTrigger().description.webhooks!;
			for (const [mode, path, hidden] of [
				['polling', undefined, true],
				['webhook', 'sysevo', false],
			] as const) {
				const { workflow, node } = nodeWith({ mode });
				expect(
					workflow.expression.getSimpleParameterValue(node, webhook.path, 'internal', {}),
				).toBe(path);
				expect(
					workflow.expression.getSimpleParameterValue(
						node,
						webhook.ndvHideUrl as string,
						'internal',
						{},
					),
				).toBe(hidden);
			}
		});

		it('refuses to activate without a usable secret', async () => {
			const { create } = new SysevoTrigger().webhookMethods.default;
			const activate = async (parameters: INodeParameters) => {
				const { workflow, node } = nodeWith({ mode: 'webhook', ...parameters });
				return await create.call(
					new HookContext(workflow, node, additionalDataFor({}), 'trigger', 'activate'),
				);
			};
			await expect(activate({})).rejects.toThrow('No Sysevo Webhook API credential is selected');
			await expect(activate({ secret: 'short' })).rejects.toThrow(
				'The shared secret must be at least 16 characters long',
			);
			await expect(activate({ secret: SHARED, headerName: 'X Secret' })).rejects.toThrow(
				'"X Secret" is not a valid HTTP header name',
			);
			await expect(activate({ secret: SHARED })).resolves.toBe(true);
		});
	});
});
