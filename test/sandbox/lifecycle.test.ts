import { OUTCOMES, SEED, startSandbox, type Sandbox } from '../../sandbox';
import { client, sleep, startHookReceiver, waitFor, type Json } from './helpers';

const TIME_SCALE = 0.005;
const route = `/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`;

describe('sandbox call lifecycle, artifacts and webhooks', () => {
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
			outcomeSettleSeconds: 4,
			transcriptDelaySeconds: 3,
			platformVersion: '1.45',
		});
	});

	async function place(phone: string, context: Record<string, unknown> = {}): Promise<number> {
		const answer = await api.post(route, { phone_number: phone, initial_context: context });
		expect(answer.status).toBe(200);
		return answer.body.workflow_run_id;
	}

	const completed = (runId: number) =>
		waitFor(async () => {
			const run = await api.run(runId);
			return run.is_completed ? run : undefined;
		});

	it('answered call: in progress, then completed WITHOUT an outcome, the outcome outcomeSettleSeconds later, then artifacts', async () => {
		sandbox.configure({ transcriptDelaySeconds: 20, outcomeSettleSeconds: 10 });
		try {
			const runId = await place(OUTCOMES.answered.examplePhone, { customer_name: 'Jane' });
			const early = await api.run(runId);
			expect(early.is_completed).toBe(false);
			expect(early.logs.telephony_status_callbacks[0]).toMatchObject({
				status: 'initiated',
				duration: null,
			});
			expect(early.gathered_context).toEqual({
				provider: 'twilio',
				triggered_by: 'api',
				call_id: expect.stringMatching(/^CA[0-9a-f]{32}$/),
			});
			expect(sandbox.liveCalls()).toBe(1);

			// The carrier's completed callback: is_completed, the slot is free, nothing else yet.
			const bare = await completed(runId);
			expect(sandbox.liveCalls()).toBe(0);
			expect(bare.gathered_context).toEqual(early.gathered_context);
			expect(bare.cost_info).toBeNull();
			expect(bare.usage_info).toBeNull();
			expect(bare.logs.telephony_status_callbacks.at(-1).status).toBe('completed');

			const run = await waitFor(async () => {
				const current = await api.run(runId);
				return current.gathered_context.call_disposition ? current : undefined;
			});
			expect(run.transcript_url).toBeNull();
			expect(run.public_access_token).toBeNull();
			expect(run.gathered_context).toMatchObject({
				provider: 'twilio',
				triggered_by: 'api',
				appointment_confirmed: true,
				callback_requested: false,
				extracted_variables: {
					appointment_confirmed: true,
					callback_requested: false,
					call_summary: expect.stringContaining('\n'),
				},
				call_disposition: 'user_hangup',
				mapped_call_disposition: 'user_hangup',
				call_tags: ['user_speech', 'user_hangup'],
			});
			expect(
				run.logs.telephony_status_callbacks.map((callback: { status: string }) => callback.status),
			).toEqual(['initiated', 'ringing', 'answered', 'completed']);
			expect(run.usage_info.call_duration_seconds).toBeGreaterThan(0);
			expect(run.cost_info.call_duration_seconds).toBe(
				Math.round(run.usage_info.call_duration_seconds),
			);

			const withArtifacts = await waitFor(async () => {
				const current = await api.run(runId);
				return current.transcript_url ? current : undefined;
			});
			expect(withArtifacts.transcript_url).toBe(`transcripts/${runId}.txt`);
			expect(withArtifacts.recording_url).toBe(`recordings/${runId}.wav`);
			expect(withArtifacts.user_recording_url).toBe(`recordings/${runId}/user.wav`);
			expect(withArtifacts.public_access_token).toMatch(/^[0-9a-f-]{36}$/);
			const events = withArtifacts.logs.realtime_feedback_events;
			const finals = events.filter(
				(event: Json) => event.type === 'rtf-user-transcription' && event.payload.final,
			);
			expect(finals.map((event: Json) => event.payload.text)).toEqual([
				'Yes, that works for me.',
				"No, that's fine. Thanks.",
			]);
			expect(events.filter((event: Json) => event.type === 'rtf-bot-text')).toHaveLength(3);
			expect(events.some((event: Json) => event.payload.final === false)).toBe(true);
		} finally {
			sandbox.configure({ transcriptDelaySeconds: 3 });
		}
	});

	it('downloads the transcript through a 302 to the storage origin, which never sees the API key', async () => {
		const runId = await place(OUTCOMES.answered.examplePhone, { customer_name: 'Jane' });
		const run = await waitFor(async () => {
			const current = await api.run(runId);
			return current.transcript_public_url && current.transcript_url ? current : undefined;
		});
		const redirect = await fetch(run.transcript_public_url, { redirect: 'manual' });
		expect(redirect.status).toBe(302);
		const location = redirect.headers.get('location') as string;
		expect(location.startsWith(`${sandbox.storageOrigin}/`)).toBe(true);
		expect(sandbox.storageOrigin).not.toBe(sandbox.origin);
		expect(new URL(location).searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);

		const followed = await fetch(run.transcript_public_url);
		expect(followed.status).toBe(200);
		expect(followed.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		const lines = (await followed.text()).trim().split('\n');
		expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\dT[^\]]+\] assistant: Hi Jane, /);
		expect(lines[1]).toMatch(/^\[[^\]]+\] user: Yes, that works for me\.$/);
		expect(sandbox.storageRequests.length).toBeGreaterThan(0);
		expect(
			sandbox.storageRequests.every((request) => request.headers['x-api-key'] === undefined),
		).toBe(true);

		const tampered = await fetch(location.replace(/sig=[0-9a-f]+/, 'sig=00'));
		expect(tampered.status).toBe(403);
		const recording = await fetch(run.recording_public_url);
		expect(recording.headers.get('content-type')).toBe('audio/wav');
	});

	it('download errors follow §2.8', async () => {
		const seeded = await api.run(SEED.runs.answered);
		const base = `/public/download/workflow/${seeded.public_access_token}`;
		expect((await api.get('/public/download/workflow/not-a-token/transcript', null)).body).toEqual({
			detail: 'Invalid or expired token',
		});
		const unsupported = await api.get(`${base}/video`, null);
		expect(unsupported.status).toBe(400);
		expect(unsupported.body).toEqual({ detail: 'Unsupported artifact type' });
		const inline = await api.get(`${base}/transcript?inline=maybe`, null);
		expect(inline.status).toBe(422);
		expect(inline.body.detail[0]).toMatchObject({ type: 'bool_parsing', loc: ['query', 'inline'] });
		const inlineOk = await api.get(`${base}/transcript?inline=true`, null);
		expect(inlineOk.status).toBe(302);
		expect(inlineOk.headers.get('location')).toContain('disposition=inline');

		// A run uploaded by a legacy build has no split tracks.
		sandbox.configure({ legacyRunShape: true });
		const runId = await place(OUTCOMES.voicemail.examplePhone);
		await waitFor(async () => sandbox.runs().find((run) => run.id === runId)?.transcript_url);
		sandbox.configure({ legacyRunShape: false });
		const run = await api.run(runId);
		expect(run.user_recording_public_url).toBeNull();
		const noTrack = await api.get(
			`/public/download/workflow/${run.public_access_token}/user_recording`,
			null,
		);
		expect(noTrack.status).toBe(404);
		expect(noTrack.body).toEqual({ detail: 'No user_recording available for this workflow run' });
	});

	it.each([
		['busy', OUTCOMES.busy.examplePhone, 'busy'],
		['noAnswer', OUTCOMES.noAnswer.examplePhone, 'no-answer'],
	])('%s: completes not connected, without artifacts', async (_label, phone, disposition) => {
		const runId = await place(phone);
		const run = await completed(runId);
		expect(run.gathered_context).toEqual({
			provider: 'twilio',
			triggered_by: 'api',
			call_tags: ['not_connected', `telephony_${disposition}`],
			call_disposition: disposition,
			mapped_call_disposition: disposition,
			call_id: expect.stringMatching(/^CA/),
		});
		expect(run.cost_info).toEqual({ dograh_token_usage: 0, call_duration_seconds: 0 });
		expect(run.logs.telephony_status_callbacks.at(-1).status).toBe(disposition);
		expect(run.transcript_url).toBeNull();
		expect(run.public_access_token).toBeNull();
		expect(sandbox.liveCalls()).toBe(0);
	});

	it('voicemail: connected, voicemail_detected, with a transcript', async () => {
		const runId = await place(OUTCOMES.voicemail.examplePhone);
		const run = await waitFor(async () => {
			const current = await api.run(runId);
			return current.transcript_url ? current : undefined;
		});
		expect(run.gathered_context.call_disposition).toBe('voicemail_detected');
		expect(run.gathered_context.call_tags).toContain('voicemail_detected');
	});

	it('0004: a carrier failure after the 200 is disposition failed with not_connected tags and no error key', async () => {
		const runId = await place(OUTCOMES.failedBeforeStart.examplePhone);
		const run = await completed(runId);
		expect(run.gathered_context).toEqual({
			provider: 'twilio',
			triggered_by: 'api',
			call_id: expect.stringMatching(/^CA/),
			call_tags: ['not_connected', 'telephony_failed'],
			call_disposition: 'failed',
			mapped_call_disposition: 'failed',
		});
		expect(run.gathered_context).not.toHaveProperty('error');
		expect(run.usage_info).toEqual({ call_duration_seconds: 0 });
		expect(run.transcript_url).toBeNull();
		expect(run.logs.telephony_status_callbacks.at(-1).status).toBe('failed');
		expect(sandbox.dials(OUTCOMES.failedBeforeStart.examplePhone)).toBe(1);
	});

	it('0006: the media never connects: completed with no disposition and no cost, for ever', async () => {
		sandbox.configure({ outcomeSettleSeconds: 1 });
		const runId = await place(OUTCOMES.mediaNeverConnects.examplePhone);
		const run = await completed(runId);
		expect(sandbox.liveCalls()).toBe(0);
		// Well past the settle time, the transcript delay and the integrations.
		await sleep(40 * 1000 * TIME_SCALE);
		const later = await api.run(runId);
		expect(later.is_completed).toBe(true);
		expect(later.gathered_context).toEqual(run.gathered_context);
		expect(later.gathered_context).not.toHaveProperty('call_disposition');
		expect(later.cost_info).toBeNull();
		expect(later.usage_info).toBeNull();
		expect(later.transcript_url).toBeNull();
	});

	it('0009: never completes, and its leaked slot counts until it is 1200 s old', async () => {
		const runId = await place(OUTCOMES.neverCompletes.examplePhone);
		expect(sandbox.liveCalls()).toBe(1);
		await sleep(60 * 1000 * TIME_SCALE);
		expect(sandbox.liveCalls()).toBe(1);
		await waitFor(async () => sandbox.liveCalls() === 0, 1200 * 1000 * TIME_SCALE + 3000);
		await waitFor(
			async () => sandbox.runs().find((run) => run.id === runId)?.logs?.telephony_status_callbacks,
		);
		const run = await api.run(runId);
		expect(run.is_completed).toBe(false);
		expect(
			run.logs.telephony_status_callbacks.map((callback: { status: string }) => callback.status),
		).toContain('answered');
	});

	it('transcripts follow api/utils/transcript.py: a line without a timestamp, and [start -> end] when the agent asks', async () => {
		const plain = await api.run(SEED.runs.answered);
		const plainText = await (await fetch(plain.transcript_public_url)).text();
		const plainLines = plainText.trimEnd().split('\n');
		expect(plainLines[0]).toMatch(/^\[\d{4}-[^\]]+Z\] assistant: /);
		expect(plainLines[0]).not.toContain(' -> ');
		expect(plainLines.at(-1)).toBe('assistant: Thank you, goodbye!');

		const ranged = (await api.get(`/workflow/313/runs/${SEED.runs.appointmentAnswered}`)).body;
		const rangedText = await (await fetch(ranged.transcript_public_url)).text();
		const rangedLines = rangedText.trimEnd().split('\n');
		expect(rangedLines[1]).toMatch(/^\[[^\]]+Z -> [^\]]+Z\] user: Yes, that works for me\.$/);
		expect(rangedLines.at(-1)).toBe('assistant: Thank you, goodbye!');
	});

	it('public links never expire: a token minted for a three-day-old run still downloads', async () => {
		const old = await api.run(SEED.runs.answeredOlder);
		expect(Date.now() - Date.parse(old.created_at)).toBeGreaterThan(70 * 3_600_000);
		const again = await api.run(SEED.runs.answeredOlder);
		expect(again.public_access_token).toBe(old.public_access_token);
		const download = await fetch(old.recording_public_url, { redirect: 'manual' });
		expect(download.status).toBe(302);
	});
});
