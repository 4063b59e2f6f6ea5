import { WEBHOOK_PAYLOAD_TEMPLATE } from '../../nodes/SysevoTrigger/description';
import {
	DEFAULT_PAYLOAD_TEMPLATE,
	OUTCOMES,
	pythonJsonDumps,
	renderTemplate,
	SEED,
	startSandbox,
	type Sandbox,
	type WebhookDelivery,
} from '../../sandbox';
import { client, sleep, startHookReceiver, waitFor, type Json } from './helpers';

const TIME_SCALE = 0.002;
const route = `/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`;
// Built at run time so it reads as no literal secret.
const SHARED = ['hook', 'check', 'value', '2026'].join('-');

/** What a receiver must do to read a rendered object field: raw newlines back to `\n`. */
function restore(text: string): unknown {
	return JSON.parse(text.split('\n').join('\\n'));
}

describe('renderTemplate (api/utils/template_renderer.py)', () => {
	it('renders string leaves like Python: str() for scalars, json.dumps for objects, "" for None, then real newlines', () => {
		const rendered = renderTemplate(
			{
				id: '{{n}}',
				flag: '{{t}}',
				none: '{{nothing}}',
				missing: '{{absent}}',
				object: '{{obj}}',
				escaped: 'line one\\nline two',
				number: 5,
				'{{k}}': 'key rendered',
				fallback: '{{absent | fallback:n/a}}',
				shortFallback: '{{absent | Unknown}}',
				nested: 'city: {{ctx.address.city}}',
				viaInitial: '{{initial_context.customer}}',
				float: '{{f}}',
				tiny: '{{tiny}}',
			},
			{
				n: 48213,
				t: true,
				nothing: null,
				obj: { list: [1, 'é'], note: 'l1\nl2', path: 'C:\\new' },
				k: 'key',
				ctx: { address: { city: 'Lyon' } },
				customer: 'Jane',
				f: 93.7,
				tiny: 0.00001,
			},
		);
		expect(rendered).toEqual({
			id: '48213',
			flag: 'True',
			none: '',
			missing: '',
			// json.dumps gives C:\\new; its backslash-n then becomes a newline: C:\<newline>ew.
			object: '{"list": [1, "\\u00e9"], "note": "l1\nl2", "path": "C:\\\new"}',
			escaped: 'line one\nline two',
			number: 5,
			key: 'key rendered',
			fallback: 'n/a',
			shortFallback: 'Unknown',
			nested: 'city: Lyon',
			viaInitial: 'Jane',
			float: '93.7',
			tiny: '1e-05',
		});
		const object = (rendered as Record<string, string>).object;
		// The object text holds raw newlines inside string literals: not JSON any more...
		expect(() => JSON.parse(object)).toThrow();
		// ...and turning them back into \n restores every value, backslashes included.
		expect(restore(object)).toEqual({ list: [1, 'é'], note: 'l1\nl2', path: 'C:\\new' });
	});

	it('json.dumps uses ", " and ": " and escapes non-ASCII; the compact form is what httpx sends', () => {
		expect(pythonJsonDumps({ a: [1, 2.5], b: 'ü' })).toBe('{"a": [1, 2.5], "b": "\\u00fc"}');
		expect(pythonJsonDumps({ a: [1, 2.5], b: 'ü' }, { compact: true, ensureAscii: false })).toBe(
			'{"a":[1,2.5],"b":"ü"}',
		);
		expect(pythonJsonDumps({ big: 1e16, small: 1.5e-7, nil: null, yes: true })).toBe(
			'{"big": 10000000000000000, "small": 1.5e-07, "nil": null, "yes": true}',
		);
	});
});

describe('sandbox webhook delivery (api/tasks/webhook_delivery.py, run_integrations.py)', () => {
	let sandbox: Sandbox;
	let api: ReturnType<typeof client>;
	let receiver: Awaited<ReturnType<typeof startHookReceiver>> | undefined;

	beforeAll(async () => {
		sandbox = await startSandbox({ timeScale: TIME_SCALE });
		api = client(sandbox);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({ timeScale: TIME_SCALE, platformVersion: '1.45' });
	});
	afterEach(async () => {
		await receiver?.close();
		receiver = undefined;
	});

	async function hookWith(
		statuses: Array<number | 'hang'>,
		hook: Partial<Parameters<Sandbox['setAgentWebhook']>[1] & object> = {},
	) {
		await receiver?.close();
		receiver = await startHookReceiver(statuses);
		sandbox.setAgentWebhook(312, {
			url: receiver.url,
			credential: { type: 'custom_header', headerName: 'X-Sysevo-Secret', headerValue: SHARED },
			...hook,
		});
		return receiver;
	}

	async function place(phone: string, context: Record<string, unknown> = {}): Promise<number> {
		const answer = await api.post(route, { phone_number: phone, initial_context: context });
		expect(answer.status).toBe(200);
		return answer.body.workflow_run_id;
	}

	const settled = (count = 1) =>
		waitFor(async () => {
			const deliveries = sandbox.webhookDeliveries();
			return deliveries.length >= count && deliveries.every((item) => item.state !== 'pending')
				? deliveries
				: undefined;
		}, 10_000);

	it('delivers the README template rendered as the platform renders it, with the X-Dograh headers and the credential', async () => {
		const hook = await hookWith([], {
			headers: { 'X-Team': 'renewals', 'X-Webhook-Token': 'dropped' },
		});
		const runId = await place(OUTCOMES.answered.examplePhone, {
			customer_name: 'José Núñez',
			note: 'Gate code:\n4711',
		});
		const [delivery] = await settled();
		const run = await api.run(runId);
		expect(delivery).toMatchObject({ workflowRunId: runId, state: 'succeeded' });
		expect(hook.received).toHaveLength(1);
		const [received] = hook.received;

		expect(received.method).toBe('POST');
		expect(received.headers).toMatchObject({
			'content-type': 'application/json',
			'x-sysevo-secret': SHARED,
			'x-team': 'renewals',
			'x-dograh-delivery-id': delivery.deliveryId,
			'x-dograh-workflow-run-id': String(runId),
			'x-dograh-delivery-attempt': '1',
		});
		expect(delivery.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
		// Secret-looking custom headers are dropped; credentials are the way to send a secret.
		expect(received.headers).not.toHaveProperty('x-webhook-token');

		const payload = received.body;
		expect(received.rawBody.startsWith(`{"workflow_run_id":"${runId}","workflow_run_name":`)).toBe(
			true,
		);
		expect(payload).toMatchObject({
			workflow_run_id: String(runId),
			workflow_run_name: run.name,
			workflow_id: '312',
			workflow_name: 'Renewal reminder',
			campaign_id: '',
			call_time: run.created_at.replace(/Z$/, '+00:00'),
			recording_url: run.recording_public_url,
			transcript_url: run.transcript_public_url,
			call_disposition: 'user_hangup',
		});
		for (const field of ['initial_context', 'gathered_context', 'annotations']) {
			expect(typeof payload[field]).toBe('string');
			expect(() => JSON.parse(payload[field])).toThrow();
		}
		expect(payload.initial_context).toContain('"customer_name": "Jos\\u00e9 N\\u00fa\\u00f1ez"');
		expect(restore(payload.initial_context)).toEqual(run.initial_context);
		expect(restore(payload.gathered_context)).toEqual(run.gathered_context);
		expect(restore(payload.annotations)).toEqual(run.annotations);
		expect(restore(payload.cost_info)).toEqual(run.usage_info);
		expect((restore(payload.gathered_context) as Json).extracted_variables.call_summary).toContain(
			'C:\\new\\renewals',
		);
		expect((restore(payload.annotations) as Json).qa_qa1.node_results.start.comment).toContain(
			'\n',
		);
	});

	it('retries 408/425/429/500/502/503/504 and network errors with 30 s doubling backoff, same delivery id and payload', async () => {
		const hook = await hookWith([503, 429]);
		await place(OUTCOMES.busy.examplePhone);
		const [delivery] = await settled();
		expect(delivery.state).toBe('succeeded');
		expect(hook.received).toHaveLength(3);
		expect(hook.received.map((item) => item.headers['x-dograh-delivery-attempt'])).toEqual([
			'1',
			'2',
			'3',
		]);
		expect(new Set(hook.received.map((item) => item.headers['x-dograh-delivery-id'])).size).toBe(1);
		expect(new Set(hook.received.map((item) => item.rawBody)).size).toBe(1);
		expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([503, 429, 200]);
		// Timers never fire early: the gaps are at least 30 s and 60 s of simulated time.
		const [first, second, third] = delivery.attempts.map((attempt) => attempt.at);
		expect(second - first).toBeGreaterThanOrEqual(30 * 1000 * TIME_SCALE - 1);
		expect(third - second).toBeGreaterThanOrEqual(60 * 1000 * TIME_SCALE - 1);
		expect(hook.received[0].body).toMatchObject({ call_disposition: 'busy', recording_url: '' });
	});

	it('gives up after 5 attempts; an unreachable receiver is retried the same way', async () => {
		await hookWith([503, 503, 503, 503, 503]);
		await place(OUTCOMES.busy.examplePhone);
		const [delivery] = await settled();
		expect(delivery.state).toBe('dead_letter');
		expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 503, 503, 503]);

		sandbox.reset();
		sandbox.setAgentWebhook(312, { url: 'http://127.0.0.1:1/unreachable' });
		await place(OUTCOMES.busy.examplePhone);
		const [unreachable] = await settled();
		expect(unreachable.state).toBe('dead_letter');
		expect(unreachable.attempts).toHaveLength(5);
		expect(unreachable.attempts.every((attempt) => attempt.status === null && attempt.error)).toBe(
			true,
		);
	});

	it.each([400, 401, 404, 422, 501])('dead-letters a %d after one attempt', async (status) => {
		const hook = await hookWith([status]);
		await place(OUTCOMES.busy.examplePhone);
		const [delivery] = await settled();
		expect(delivery.state).toBe('dead_letter');
		expect(delivery.attempts).toHaveLength(1);
		await sleep(100 * 1000 * TIME_SCALE);
		expect(hook.received).toHaveLength(1);
	});

	it('bearer and basic credentials; GET carries no body', async () => {
		const hook = await hookWith([], {
			method: 'GET',
			credential: { type: 'basic_auth', username: 'n8n', password: SHARED },
		});
		await place(OUTCOMES.busy.examplePhone);
		await settled();
		expect(hook.received[0].method).toBe('GET');
		expect(hook.received[0].rawBody).toBe('');
		expect(hook.received[0].headers.authorization).toBe(
			`Basic ${Buffer.from(`n8n:${SHARED}`).toString('base64')}`,
		);

		sandbox.reset();
		const bearer = await hookWith([], { credential: { type: 'bearer_token', token: SHARED } });
		await place(OUTCOMES.busy.examplePhone);
		await settled();
		expect(bearer.received[0].headers.authorization).toBe(`Bearer ${SHARED}`);
	});

	it('a failed initiation (400) fires the webhook with gathered_context.error from 1.44', async () => {
		const hook = await hookWith([]);
		const answer = await api.post(route, { phone_number: OUTCOMES.providerRejected.examplePhone });
		expect(answer.status).toBe(400);
		await settled();
		expect(hook.received[0].body.call_disposition).toBe('error');
		expect((restore(hook.received[0].body.gathered_context) as Json).error).toBe(
			answer.body.detail,
		);
	});

	it('1.37: one POST, no X-Dograh headers, no added call_disposition, every custom header sent', async () => {
		sandbox.configure({ platformVersion: '1.37' });
		const hook = await hookWith([503], { headers: { 'X-Webhook-Token': SHARED } });
		const runId = await place(OUTCOMES.answered.examplePhone);
		const [delivery] = await settled();
		expect(delivery.state).toBe('failed');
		await sleep(200 * 1000 * TIME_SCALE);
		expect(hook.received).toHaveLength(1);
		const [received] = hook.received;
		expect(received.headers['x-webhook-token']).toBe(SHARED);
		expect(Object.keys(received.headers).some((name) => name.startsWith('x-dograh-'))).toBe(false);
		expect(received.body).not.toHaveProperty('call_disposition');
		expect(received.body.workflow_run_id).toBe(String(runId));

		// 1.38 adds the disposition but still sends once.
		sandbox.reset();
		sandbox.configure({ platformVersion: '1.38' });
		const next = await hookWith([]);
		await place(OUTCOMES.busy.examplePhone);
		await settled();
		expect(next.received[0].body.call_disposition).toBe('busy');
		expect(next.received[0].headers).not.toHaveProperty('x-dograh-delivery-id');
	});

	it('1.37: never-connected calls and failed initiations fire no webhook', async () => {
		sandbox.configure({ platformVersion: '1.37' });
		const hook = await hookWith([]);
		const busy = await place(OUTCOMES.busy.examplePhone);
		const rejected = await api.post(route, {
			phone_number: OUTCOMES.providerRejected.examplePhone,
		});
		expect(rejected.status).toBe(400);
		await waitFor(async () => (await api.run(busy)).is_completed);
		await sleep(100 * 1000 * TIME_SCALE);
		expect(hook.received).toEqual([]);
		expect(sandbox.webhookDeliveries()).toEqual([] as WebhookDelivery[]);
	});
});

describe('the default payload template', () => {
	it('is the template the Sysevo Trigger tells users to paste into the Webhook node', () => {
		expect(DEFAULT_PAYLOAD_TEMPLATE).toEqual(JSON.parse(WEBHOOK_PAYLOAD_TEMPLATE));
	});
});
