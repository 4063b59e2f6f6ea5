import {
	BUSY_137_BODY,
	CONNECTED_BODY,
	CONNECTED_RUN,
	CREDENTIAL,
	deliveryHeaders,
	MANGLED_BODY,
} from './platformDeliveries';
import { webhookTrigger } from './harness';

type Receiver = Awaited<ReturnType<typeof webhookTrigger>>;
let receiver: Receiver | undefined;

async function receiverWith(...args: Parameters<typeof webhookTrigger>): Promise<Receiver> {
	await receiver?.close();
	receiver = await webhookTrigger(...args);
	return receiver;
}

afterAll(async () => {
	await receiver?.close();
});

const DELIVERY = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

describe('Sysevo Trigger, webhook: payloads as Sysevo renders them', () => {
	it('brings back every original value of the README template, newlines and backslashes included', async () => {
		const trigger = await receiverWith({}, { credential: CREDENTIAL });
		// The body really holds what JSON.parse refuses: raw newlines inside the context's JSON text.
		const sent = JSON.parse(CONNECTED_BODY) as Record<string, string>;
		expect(() => JSON.parse(sent.gathered_context)).toThrow();

		const answer = await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY));

		expect(answer).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(trigger.emitted).toHaveLength(1);
		const [item] = trigger.emitted;
		expect(item).toMatchObject(CONNECTED_RUN);
		expect(item.initial_context).toEqual(CONNECTED_RUN.initial_context);
		expect(item.gathered_context).toEqual(CONNECTED_RUN.gathered_context);
		expect(item.annotations).toEqual(CONNECTED_RUN.annotations);
		expect(item).toMatchObject({
			is_completed: true,
			run_status: 'completed',
			disposition: 'user_hangup',
			duration_seconds: 93.7,
			extracted_summary: 'Renewal confirmed.\nCall back on Monday\tat 9.',
			extracted_share: '\\\\srv\\new-files\\n1',
			extracted_appointment_confirmed: true,
		});
		expect(item).not.toHaveProperty('payload_warnings');
	});

	it('reads a build that sends numbers as text, no call_disposition and no delivery headers (1.37)', async () => {
		const trigger = await receiverWith({}, { credential: CREDENTIAL });
		const answer = await trigger.post(BUSY_137_BODY, { 'X-Sysevo-Secret': CREDENTIAL.secret });

		expect(answer.status).toBe(200);
		expect(trigger.emitted).toEqual([
			expect.objectContaining({
				id: 48214,
				workflow_id: 312,
				campaign_id: 7,
				initial_context: { phone_number: '+14155550001', trigger_mode: 'production' },
				gathered_context: {
					call_disposition: 'busy',
					call_tags: ['not_connected', 'telephony_busy'],
				},
				cost_info: {},
				annotations: {},
				recording_public_url: null,
				transcript_public_url: null,
				run_status: 'not_connected',
				disposition: 'busy',
				duration_seconds: null,
			}),
		]);
	});

	it('emits a run whose context cannot be read, kept as text with a warning, instead of answering 4xx', async () => {
		// Filters cannot judge an unreadable context, so they do not drop it either.
		const trigger = await receiverWith(
			{ filters: { outcomes: ['not_connected'] } },
			{ credential: CREDENTIAL },
		);
		const answer = await trigger.post(MANGLED_BODY, deliveryHeaders(48215, DELIVERY));

		expect(answer).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		const [item] = trigger.emitted;
		expect(item.id).toBe(48215);
		expect(item.gathered_context).toEqual(
			expect.stringMatching(/^gathered: \{"call_disposition": "user_hangup"/),
		);
		expect(item.call_disposition).toBe('user_hangup');
		expect(item.initial_context).toEqual(CONNECTED_RUN.initial_context);
		expect(item.payload_warnings).toEqual([
			'gathered_context is not a JSON object, so it is kept as text; put "{{gathered_context}}" in the template as a whole value',
		]);
	});

	it('takes the run id from the X-Dograh-Workflow-Run-Id header when the template has none', async () => {
		const trigger = await receiverWith({}, { credential: CREDENTIAL });
		const sent = JSON.parse(CONNECTED_BODY) as Record<string, string>;
		delete sent.workflow_run_id;
		const answer = await trigger.post(sent, deliveryHeaders(48213, DELIVERY));

		expect(answer.status).toBe(200);
		expect(trigger.emitted).toEqual([expect.objectContaining({ id: 48213 })]);
	});

	it('answers 400 only when no run id can be read at all', async () => {
		const trigger = await receiverWith({}, { credential: CREDENTIAL });
		const sent = JSON.parse(CONNECTED_BODY) as Record<string, string>;
		sent.workflow_run_id = '';
		const answer = await trigger.post(sent, { 'X-Sysevo-Secret': CREDENTIAL.secret });

		expect(answer.status).toBe(400);
		expect(String(answer.body.error)).toContain('The workflow_run_id is empty');
		expect(trigger.emitted).toEqual([]);
	});

	describe('repeated deliveries', () => {
		it('emits a delivery retried after a timeout once, and remembers it in static data', async () => {
			const trigger = await receiverWith({}, { credential: CREDENTIAL });
			const first = await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY, 1));
			const retry = await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY, 2));

			expect(first.status).toBe(200);
			expect(retry).toEqual({
				status: 200,
				body: {
					received: true,
					ignored: 'Run 48213 was already received; a repeated delivery starts nothing',
				},
			});
			expect(trigger.emitted.map((item) => item.id)).toEqual([48213]);
			expect(trigger.staticData['node:Sysevo Trigger']).toEqual({
				emittedDeliveries: [{ run: 48213, delivery: DELIVERY }],
			});
		});

		it('also knows a repeat by its run id when no delivery id comes (1.37)', async () => {
			const trigger = await receiverWith({}, { credential: CREDENTIAL });
			const auth = { 'X-Sysevo-Secret': CREDENTIAL.secret };
			await trigger.post(BUSY_137_BODY, auth);
			const again = await trigger.post(BUSY_137_BODY, auth);

			expect(again.body.ignored).toBeDefined();
			expect(trigger.emitted.map((item) => item.id)).toEqual([48214]);
		});

		it('emits different runs each once, and a run that the filters left out is not remembered', async () => {
			const trigger = await receiverWith(
				{ filters: { outcomes: ['completed'] } },
				{ credential: CREDENTIAL },
			);
			const auth = { 'X-Sysevo-Secret': CREDENTIAL.secret };
			await trigger.post(BUSY_137_BODY, auth);
			await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY));

			expect(trigger.emitted.map((item) => item.id)).toEqual([48213]);
			expect(trigger.staticData['node:Sysevo Trigger']).toEqual({
				emittedDeliveries: [{ run: 48213, delivery: DELIVERY }],
			});
		});

		it('shows a test event every time it arrives', async () => {
			const trigger = await receiverWith({}, { credential: CREDENTIAL, mode: 'manual' });
			await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY));
			await trigger.post(CONNECTED_BODY, deliveryHeaders(48213, DELIVERY));

			expect(trigger.emitted.map((item) => item.id)).toEqual([48213, 48213]);
		});
	});
});
