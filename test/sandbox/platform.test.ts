import {
	featuresOf,
	FOREIGN_RUN_KINDS,
	OUTCOMES,
	PLATFORM_VERSIONS,
	SEED,
	startSandbox,
	type Sandbox,
} from '../../sandbox';
import { client, waitFor, type Json } from './helpers';

const TIME_SCALE = 0.005;
const renewal = SEED.agents.renewal;
const byUuid = `/public/agent/workflow/${renewal.workflowUuid}`;
const PHONE = OUTCOMES.answered.examplePhone;

describe('platform versions (sandbox/platform.ts)', () => {
	it('switch each behaviour at the release that brought it', () => {
		const at = (version: (typeof PLATFORM_VERSIONS)[number]) => featuresOf(version);
		expect(at('1.37')).toEqual({
			notConnectedDisposition: false,
			webhookAddsDisposition: false,
			durableWebhooks: false,
			concurrencyCap: false,
			callContextStored: false,
			failedInitiationCompletesRun: false,
			fromPhoneNumberId: false,
		});
		expect(at('1.45')).toEqual({
			notConnectedDisposition: true,
			webhookAddsDisposition: true,
			durableWebhooks: true,
			concurrencyCap: true,
			callContextStored: true,
			failedInitiationCompletesRun: true,
			fromPhoneNumberId: true,
		});
		expect(at('1.39').durableWebhooks).toBe(false);
		expect(at('1.40').durableWebhooks).toBe(true);
		expect(at('1.41').concurrencyCap).toBe(false);
		expect(at('1.42').concurrencyCap).toBe(true);
		expect(at('1.43').callContextStored).toBe(false);
		expect(at('1.44').failedInitiationCompletesRun).toBe(true);
		expect(at('1.44').fromPhoneNumberId).toBe(false);
	});
});

describe('sandbox trigger per platform version, slots and foreign runs', () => {
	let sandbox: Sandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sandbox = await startSandbox({ timeScale: TIME_SCALE });
		api = client(sandbox);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.configure({
			timeScale: TIME_SCALE,
			platformVersion: '1.45',
			concurrencyLimit: 10,
			quotaExhausted: false,
			callDurationSeconds: 30,
		});
	});

	async function place(body: Json) {
		const answer = await api.post(byUuid, body);
		return {
			answer,
			run: answer.status === 200 ? await api.run(answer.body.workflow_run_id) : null,
		};
	}

	it('1.37: plain update (even provider is replaced), no direction or called_number, no triggered_by', async () => {
		sandbox.configure({ platformVersion: '1.37' });
		const { run } = await place({
			phone_number: PHONE,
			initial_context: { provider: 'evil', phone_number: 'spoofed', runtime_configuration: {} },
		});
		expect(run.initial_context).toMatchObject({
			provider: 'evil',
			phone_number: 'spoofed',
			runtime_configuration: {},
			trigger_mode: 'production',
		});
		expect(run.initial_context).not.toHaveProperty('called_number');
		expect(run.initial_context).not.toHaveProperty('direction');
		expect(run.gathered_context).toEqual({ call_id: expect.stringMatching(/^CA/) });
		expect(run.name).toMatch(/^WR-API-\d{4}$/);
	});

	it('1.37: from_phone_number_id is an unknown field, ignored', async () => {
		sandbox.configure({ platformVersion: '1.37' });
		const { answer, run } = await place({ phone_number: PHONE, from_phone_number_id: 'nope' });
		expect(answer.status).toBe(200);
		expect(run.initial_context).not.toHaveProperty('from_phone_number_id');
		sandbox.configure({ platformVersion: '1.45' });
		expect((await place({ phone_number: PHONE, from_phone_number_id: 999 })).answer.body).toEqual({
			detail: 'from_phone_number_not_found',
		});
	});

	it('1.37: not-connected calls get only the tags', async () => {
		sandbox.configure({ platformVersion: '1.37' });
		const { answer } = await place({ phone_number: OUTCOMES.failedBeforeStart.examplePhone });
		const run = await waitFor(async () => {
			const current = await api.run(answer.body.workflow_run_id);
			return current.is_completed ? current : undefined;
		});
		expect(run.gathered_context).toEqual({
			call_id: expect.stringMatching(/^CA/),
			call_tags: ['not_connected', 'telephony_failed'],
		});
		expect(run.cost_info).toBeNull();
	});

	it.each([
		['402', { quotaExhausted: true }, OUTCOMES.answered.examplePhone, 402],
		['400', {}, OUTCOMES.providerRejected.examplePhone, 400],
	])(
		'%s: from 1.44 the run completes with gathered_context.error; on 1.37 it stays open for ever',
		async (_label, options, phone, status) => {
			sandbox.configure(options);
			expect((await api.post(byUuid, { phone_number: phone })).status).toBe(status);
			const headRun = await api.run(SEED.firstNewRunId);
			expect(headRun.is_completed).toBe(true);
			expect(typeof headRun.gathered_context.error).toBe('string');
			expect(headRun.gathered_context.call_disposition).toBe('error');

			sandbox.configure({ platformVersion: '1.37' });
			expect((await api.post(byUuid, { phone_number: phone })).status).toBe(status);
			await new Promise((resolve) => setTimeout(resolve, 100 * 1000 * TIME_SCALE));
			const oldRun = await api.run(SEED.firstNewRunId + 1);
			expect(oldRun.is_completed).toBe(false);
			expect(oldRun.gathered_context).not.toHaveProperty('error');
			expect(sandbox.liveCalls()).toBe(0);
		},
	);

	it('1.41 and older: no cap answer; 1.42+: 429 without Retry-After', async () => {
		sandbox.configure({ platformVersion: '1.41', concurrencyLimit: 1, callDurationSeconds: 600 });
		for (let index = 0; index < 3; index++) {
			expect((await api.post(byUuid, { phone_number: PHONE })).status).toBe(200);
		}
		expect(sandbox.liveCalls()).toBe(3);
		sandbox.configure({ platformVersion: '1.42' });
		const refused = await api.post(byUuid, { phone_number: PHONE });
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBeNull();
		expect(sandbox.stats().maxLiveCalls).toBe(3);
	});

	it('the cap is org-wide: a live foreign call takes a slot, a chat does not, and maxLiveCalls records the peak', async () => {
		sandbox.configure({ concurrencyLimit: 2, callDurationSeconds: 600 });
		sandbox.startForeignRun('textChat', renewal.id);
		expect(sandbox.liveCalls()).toBe(0);
		sandbox.startForeignRun('inbound', renewal.id);
		expect(sandbox.liveCalls()).toBe(1);
		expect((await api.post(byUuid, { phone_number: PHONE })).status).toBe(200);
		const refused = await api.post(byUuid, { phone_number: PHONE });
		expect(refused.status).toBe(429);
		expect(() => sandbox.startForeignRun('campaign', renewal.id)).toThrow(
			'Concurrent call limit reached',
		);
		expect(sandbox.stats()).toMatchObject({ liveCalls: 2, maxLiveCalls: 2 });
		sandbox.reset();
		expect(sandbox.stats()).toMatchObject({ liveCalls: 0, maxLiveCalls: 0 });
	});

	it('foreign runs carry what the platform writes for each channel', async () => {
		const runs = Object.fromEntries(
			FOREIGN_RUN_KINDS.map((kind) => [kind, sandbox.startForeignRun(kind, renewal.id)]),
		);
		const served = async (kind: string) => api.run(runs[kind].id);
		const editor = await served('editorPhoneTest');
		expect(editor).toMatchObject({ mode: 'twilio', call_type: 'outbound', definition_id: 977 });
		expect(editor.name).toMatch(/^WR-TEL-OUT-\d{8}$/);
		expect(editor.initial_context).toMatchObject({ direction: 'outbound', greeting_name: 'there' });
		expect(editor.initial_context).not.toHaveProperty('trigger_mode');

		const web = await served('webTest');
		expect(web).toMatchObject({ mode: 'smallwebrtc', call_type: 'inbound' });
		expect(web.name).toMatch(/^WR-\d{1,4}$/);
		expect(sandbox.startForeignRun('webTest', renewal.id, { mode: 'webrtc' }).mode).toBe('webrtc');

		const chat = await served('textChat');
		expect(chat.mode).toBe('textchat');
		expect(chat.name).toMatch(/^WR-TEXT-[0-9A-F]{6}$/);
		expect(chat.annotations).toEqual({ tester: { source: 'workflow_editor', modality: 'text' } });

		const inbound = await served('inbound');
		expect(inbound).toMatchObject({ call_type: 'inbound', mode: 'twilio' });
		expect(inbound.name).toMatch(/^WR-TEL-IN-\d{8}$/);
		expect(inbound.initial_context).toMatchObject({
			direction: 'inbound',
			called_number: SEED.callerNumbers.main.number,
		});

		const campaign = await served('campaign');
		expect(campaign.name).toMatch(/^WR-CAMPAIGN-\d+-\d+$/);
		expect(campaign.initial_context).toMatchObject({ campaign_id: expect.any(Number) });

		for (const run of [editor, web, chat, inbound, campaign]) {
			expect(run.gathered_context).not.toHaveProperty('triggered_by');
			expect(run.initial_context).not.toHaveProperty('trigger_mode');
		}

		// They finish like calls do, so a poller sees them complete between two polls.
		const finished = await waitFor(async () => {
			const current = await served('inbound');
			return current.gathered_context.call_disposition ? current : undefined;
		}, 10_000);
		expect(finished.gathered_context.call_disposition).toBe('user_hangup');
	});

	it('every agent list has seeded runs of each foreign kind', async () => {
		const list = (await api.get('/workflow/312/runs?limit=100')).body.runs as Json[];
		const names = list.map((run) => run.name);
		for (const pattern of [
			/^WR-TEL-OUT-/,
			/^WR-\d+$/,
			/^WR-TEXT-/,
			/^WR-TEL-IN-/,
			/^WR-CAMPAIGN-/,
		]) {
			expect(names.some((name) => pattern.test(name))).toBe(true);
		}
		const api_ = list.filter((run) => run.gathered_context?.triggered_by === 'api');
		expect(api_.length).toBeGreaterThan(0);
		expect(api_.every((run) => /^WR-(API|TEST)-\d{4}$/.test(run.name))).toBe(true);
	});
});
