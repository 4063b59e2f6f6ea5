import { sleep } from 'n8n-workflow';

import { OUTCOMES } from '../../sandbox';
import { report } from '../helpers/report';
import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import { getRunParameters, triggerParameters } from './params';

// Calls last 30 s × 0.05 = 1.5 s here; rings, transcript upload and failures scale alike.
const TIME_SCALE = 0.05;
const CALL_SECONDS = 30 * TIME_SCALE;
const sandbox = useSandbox({ timeScale: TIME_SCALE, concurrencyLimit: 60 });

function waitingTrigger(options: object = {}) {
	return triggerParameters({
		waitForCompletion: true,
		options: { pollIntervalSeconds: 0.2, maxWaitSeconds: 20, ...options },
	});
}

async function callAndWait(phone: string, options: object = {}) {
	return await runNode({
		parameters: waitingTrigger(options),
		items: [{ phone, name: 'Jane' }],
		credentials: credentialsFor(sandbox.current),
	});
}

function runReads(runId: unknown) {
	return sandbox.current.requests.filter(
		(request) => request.method === 'GET' && request.path.endsWith(`/runs/${runId}`),
	);
}

describe('Wait for Call to End', () => {
	it.each([
		[OUTCOMES.answered.examplePhone, 'completed', 'user_hangup'],
		[OUTCOMES.voicemail.examplePhone, 'voicemail', 'voicemail_detected'],
		[OUTCOMES.busy.examplePhone, 'not_connected', 'busy'],
		[OUTCOMES.noAnswer.examplePhone, 'not_connected', 'no-answer'],
		// A carrier failure after the trigger answered 200 (docs/sysevo-api.md §6.9).
		[OUTCOMES.failedBeforeStart.examplePhone, 'not_connected', 'failed'],
	])('returns the final run of %s as %s / %s', async (phone, runStatus, disposition) => {
		const { json, error } = await callAndWait(phone);
		expect(error).toBeUndefined();
		// The trigger's answer is renamed so it cannot be read as the run's outcome.
		expect(json[0]).not.toHaveProperty('status');
		expect(json[0]).toMatchObject({
			trigger_status: 'initiated',
			phone_number: phone,
			workflow_id: SEED.agents.renewal.id,
			is_completed: true,
			run_status: runStatus,
			disposition,
			timed_out: false,
		});
		expect(json[0].id).toBe(json[0].workflow_run_id);
	});

	it('adds the extracted variables as flat columns and the duration', async () => {
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone);
		const extracted = (json[0].gathered_context as { extracted_variables: Record<string, unknown> })
			.extracted_variables;
		expect(Object.keys(extracted).length).toBeGreaterThan(0);
		for (const [name, value] of Object.entries(extracted))
			expect(json[0][`extracted_${name}`]).toEqual(value);
		expect(json[0].duration_seconds).toEqual(expect.any(Number));
	});

	it('waits for the transcript of a connected call and adds it as text and turns', async () => {
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone, { includeTranscript: true });
		expect(json[0].transcript_url).toEqual(expect.any(String));
		expect(json[0].transcript_source).toBe('file');
		const turns = json[0].transcript_turns as Array<{
			role: string;
			text: string;
			timestamp: string;
		}>;
		expect(turns.length).toBeGreaterThan(1);
		expect(turns.map((turn) => turn.role)).toEqual(expect.arrayContaining(['user', 'assistant']));
		expect(turns.every((turn) => turn.text && !Number.isNaN(Date.parse(turn.timestamp)))).toBe(
			true,
		);
		expect(json[0].transcript).toBe(turns.map((turn) => `${turn.role}: ${turn.text}`).join('\n'));
	});

	it('fetches the transcript from the storage host without the API key', async () => {
		await callAndWait(OUTCOMES.answered.examplePhone, { includeTranscript: true });
		const storage = sandbox.current.storageRequests;
		expect(storage.length).toBeGreaterThan(0);
		for (const request of storage) {
			expect(request.headers['x-api-key']).toBeUndefined();
			expect(JSON.stringify(request)).not.toContain(SEED.apiKey);
		}
		const downloads = sandbox.current.requests.filter((request) =>
			request.path.startsWith('/api/v1/public/download/'),
		);
		expect(downloads.length).toBeGreaterThan(0);
		for (const request of downloads) expect(request.headers['x-api-key']).toBeUndefined();
	});

	it('keeps polling after the call ends until the late transcript is uploaded', async () => {
		sandbox.current.configure({ transcriptDelaySeconds: 20 });
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone, { includeTranscript: true });
		// The upload lands ~1 s after is_completed (5 polls); without the grace period the node would
		// have stopped at completion and fallen back to the realtime events.
		expect(json[0]).toMatchObject({ run_status: 'completed', transcript_source: 'file' });
		expect(runReads(json[0].workflow_run_id).length).toBeGreaterThan(
			Math.ceil(CALL_SECONDS / 0.2) + 2,
		);
	});

	it('falls back to the realtime events on builds without public URLs', async () => {
		sandbox.current.configure({ legacyRunShape: true });
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone, { includeTranscript: true });
		expect(json[0]).not.toHaveProperty('transcript_public_url');
		expect(json[0].transcript_source).toBe('logs');
		expect((json[0].transcript_turns as unknown[]).length).toBeGreaterThan(1);
		expect(sandbox.current.storageRequests).toHaveLength(0);
	});

	it('says so when a call has no transcript', async () => {
		const { json } = await callAndWait(OUTCOMES.busy.examplePhone, { includeTranscript: true });
		expect(json[0]).toMatchObject({
			run_status: 'not_connected',
			transcript: null,
			transcript_turns: [],
			transcript_source: 'none',
		});
	});

	it('returns a call that outlives the wait as in progress and timed out, with a hint', async () => {
		const { json, error, run } = await callAndWait(OUTCOMES.neverCompletes.examplePhone, {
			maxWaitSeconds: 1,
		});
		expect(error).toBeUndefined();
		expect(json[0]).toMatchObject({
			is_completed: false,
			run_status: 'in_progress',
			timed_out: true,
		});
		const hints = run.data.resultData.runData.Sysevo[0].hints ?? [];
		expect(hints.map((hint) => hint.message).join(' ')).toContain(
			'Raise Options → Max Wait, or fetch them later with Get Run',
		);
	});

	it('stops polling promptly when the execution is cancelled', async () => {
		const { run } = await runNode({
			parameters: waitingTrigger({ maxWaitSeconds: 60 }),
			items: [{ phone: OUTCOMES.neverCompletes.examplePhone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
			cancelAfterMs: 700,
		});
		expect(run.status).toBe('canceled');
		expect(sandbox.current.dials(OUTCOMES.neverCompletes.examplePhone)).toBe(1);
		// Polled every 0.2 s until the cancel at 0.7 s: a handful of reads, where waiting out
		// Max Wait (60 s) would have made 300.
		const reads = () =>
			sandbox.current.requests.filter(
				(request) => request.method === 'GET' && /\/runs\/\d+$/.test(request.path),
			).length;
		const readsAtStop = reads();
		expect(readsAtStop).toBeGreaterThan(0);
		expect(readsAtStop).toBeLessThanOrEqual(Math.ceil(0.7 / 0.2) + 1);
		await sleep(1000);
		expect(reads()).toBe(readsAtStop);
	});

	it('routes each call to the output of its outcome', async () => {
		const phones = [
			OUTCOMES.answered.examplePhone,
			OUTCOMES.busy.examplePhone,
			OUTCOMES.failedBeforeStart.examplePhone,
			OUTCOMES.neverCompletes.examplePhone,
			OUTCOMES.voicemail.examplePhone,
			OUTCOMES.providerRejected.examplePhone,
		];
		const { outputs, error } = await runNode({
			continueOnFail: true,
			parameters: waitingTrigger({
				routeByOutcome: true,
				maxWaitSeconds: 3,
				maxConcurrentCalls: 10,
			}),
			items: phones.map((phone) => ({ phone, name: 'Jane' })),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		// Completed, Voicemail, Not Connected, Failed, Still Running, Not Called.
		expect(outputs.map((items) => items.map((item) => item.json.phone_number))).toEqual([
			[OUTCOMES.answered.examplePhone],
			[OUTCOMES.voicemail.examplePhone],
			[OUTCOMES.busy.examplePhone, OUTCOMES.failedBeforeStart.examplePhone],
			[OUTCOMES.providerRejected.examplePhone],
			[OUTCOMES.neverCompletes.examplePhone],
			[],
		]);
		expect(outputs.map((items) => items.map((item) => item.pairedItem))).toEqual([
			[{ item: 0 }],
			[{ item: 4 }],
			[{ item: 1 }, { item: 2 }],
			[{ item: 5 }],
			[{ item: 3 }],
			[],
		]);
	});

	it('keeps a single output when routing is off', async () => {
		const { outputs } = await callAndWait(OUTCOMES.busy.examplePhone);
		expect(outputs).toHaveLength(1);
	});

	it('waits on Get Run too, chained after a Trigger Call that did not wait', async () => {
		const triggered = await runNode({
			parameters: triggerParameters(),
			items: [{ phone: OUTCOMES.voicemail.examplePhone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		const { json } = await runNode({
			parameters: getRunParameters({
				waitForCompletion: true,
				options: { pollIntervalSeconds: 0.2, maxWaitSeconds: 20 },
			}),
			items: triggered.json,
			credentials: credentialsFor(sandbox.current),
		});
		expect(json[0]).toMatchObject({
			id: triggered.json[0].workflow_run_id,
			run_status: 'voicemail',
			disposition: 'voicemail_detected',
			timed_out: false,
		});
	});

	it('lets 50 calls wait in parallel, each polled at the poll interval', async () => {
		// Calls of D = 3 s here, so the fixed cost of dialling and polling does not dominate D.
		const callSeconds = 60 * TIME_SCALE;
		const pollSeconds = 0.5;
		sandbox.current.configure({ callDurationSeconds: 60 });
		const items = Array.from({ length: 50 }, (_, i) => ({
			phone: `+1415555${String(3000 + i)}`,
			name: `Customer ${i}`,
		}));
		const started = Date.now();
		const { json, error } = await runNode({
			parameters: waitingTrigger({ maxConcurrentCalls: 50, pollIntervalSeconds: pollSeconds }),
			items,
			credentials: credentialsFor(sandbox.current),
		});
		const elapsedSeconds = (Date.now() - started) / 1000;
		expect(error).toBeUndefined();
		expect(json.map((row) => row.run_status)).toEqual(new Array(50).fill('completed'));
		expect(json.map((row) => row.phone_number)).toEqual(items.map((item) => item.phone));
		// All 50 were live at once: each waited in its own lane, none behind another.
		expect(sandbox.current.stats().maxLiveCalls).toBe(50);

		// One read per poll interval while the call runs, plus a couple for the transcript upload.
		const readsPerCall = json.map((row) => runReads(row.workflow_run_id).length);
		const bound = Math.ceil(callSeconds / pollSeconds) + 3;
		expect(Math.max(...readsPerCall)).toBeLessThanOrEqual(bound);
		report(
			`50 calls of ${callSeconds} s waited in ${elapsedSeconds.toFixed(2)} s; Get Run requests per call: max ${Math.max(...readsPerCall)} (bound ${bound})`,
		);
	});
});
