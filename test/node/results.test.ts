import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OUTCOMES } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { startServer } from '../helpers/servers';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { getRunParameters, triggerParameters } from './params';

const sandbox = useSandbox({ timeScale: 0.01, concurrencyLimit: 100 });

function waitingTrigger(options: IDataObject = {}) {
	return triggerParameters({
		contextInput: 'json',
		initialContextJson: '={{ JSON.stringify($json.context) }}',
		waitForCompletion: true,
		options: { pollIntervalSeconds: 0.1, maxWaitSeconds: 20, maxConcurrentCalls: 20, ...options },
	});
}

async function callAndWait(phone: string, options: IDataObject = {}) {
	return await runNode({
		parameters: waitingTrigger(options),
		items: [{ phone, context: { customer_name: 'Jane' } }],
		credentials: credentialsFor(sandbox.current),
	});
}

/** Simplify's row for an answered call of the renewal agent, transcript included, in order. */
const SUMMARY_COLUMNS = [
	'workflow_run_id',
	'workflow_run_name',
	'workflow_id',
	'phone_number',
	'called_at',
	'run_status',
	'disposition',
	'duration_seconds',
	'cost_usd',
	'recording_url',
	'transcript',
	'timed_out',
	'outcome_settled',
	'not_called_reason',
	'not_called_detail',
	'next_call_at',
	'earlier_run_id',
	'earlier_run_created_at',
	'extracted_appointment_confirmed',
	'extracted_call_summary',
	'extracted_callback_requested',
	'context_customer_name',
];

describe('Simplify: one stable row per call', () => {
	it('gives 20 calls, some failing, identical keys in identical order', async () => {
		const kinds = [
			OUTCOMES.answered.examplePhone,
			OUTCOMES.voicemail.examplePhone,
			OUTCOMES.busy.examplePhone,
			'12',
			OUTCOMES.providerRejected.examplePhone,
		];
		const items = Array.from({ length: 20 }, (_, i) => {
			const phone = kinds[i % kinds.length];
			const unique = phone === OUTCOMES.answered.examplePhone ? `+1415555${2700 + i}` : phone;
			// Every third customer has a plan, so context columns differ from item to item too.
			const context: IDataObject = { customer_name: `Customer ${i}` };
			if (i % 3 === 0) context.plan = { tier: 'gold', seats: i };
			return { phone: unique, context };
		});
		const { json, error } = await runNode({
			parameters: waitingTrigger({ simplify: true }),
			items,
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(json).toHaveLength(20);

		const keys = Object.keys(json[0]);
		for (const row of json) expect(Object.keys(row)).toEqual(keys);
		expect(keys.slice(0, 9)).toEqual(SUMMARY_COLUMNS.slice(0, 9));
		expect(keys).toEqual(
			expect.arrayContaining([
				'extracted_appointment_confirmed',
				'context_customer_name',
				'context_plan_tier',
				'context_plan_seats',
			]),
		);
		expect(keys[keys.length - 1]).toBe('error');

		const failed = json.filter((row) => row.error !== null);
		expect(failed.map((row) => row.phone_number)).toEqual([
			'12',
			OUTCOMES.providerRejected.examplePhone,
			'12',
			OUTCOMES.providerRejected.examplePhone,
			'12',
			OUTCOMES.providerRejected.examplePhone,
			'12',
			OUTCOMES.providerRejected.examplePhone,
		]);
		for (const row of failed) {
			expect(row.run_status).toBeNull();
			expect(row.context_customer_name).toMatch(/^Customer \d+$/);
		}
		expect(json[3]).toMatchObject({ context_plan_tier: 'gold', context_plan_seats: 3 });

		const placed = json.filter((row) => row.error === null);
		expect(placed).toHaveLength(12);
		for (const row of placed) {
			expect(row.workflow_run_id).toEqual(expect.any(Number));
			expect(row.phone_number).toBe(items[json.indexOf(row)].phone);
			expect(row.context_customer_name).toBe(`Customer ${json.indexOf(row)}`);
		}
		expect(placed.map((row) => row.run_status)).toEqual(
			Array.from({ length: 4 }, () => ['completed', 'voicemail', 'not_connected']).flat(),
		);
		// Only answered calls have extracted variables; the others keep the column, as null.
		for (const row of placed)
			expect(row.extracted_appointment_confirmed).toBe(
				row.run_status === 'completed' ? true : null,
			);
	});

	it('has exactly the summary columns, the phone number from called_number and the cost in US dollars', async () => {
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone, {
			simplify: true,
			includeTranscript: true,
		});
		// QA results are written after the transcript, so they may or may not be there yet.
		expect(Object.keys(json[0]).filter((key) => !key.startsWith('qa_'))).toEqual(SUMMARY_COLUMNS);
		const run = sandbox.current
			.runs()
			.find((candidate) => candidate.id === json[0].workflow_run_id);
		expect(json[0]).toMatchObject({
			run_status: 'completed',
			workflow_id: SEED.agents.renewal.id,
			phone_number: run!.initial_context!.called_number,
			called_at: run!.created_at,
			cost_usd: expect.any(Number),
			transcript: expect.stringContaining('assistant: '),
		});
	});
});

describe('Include Public Links', () => {
	it('is on by default', async () => {
		// The links come with the artifacts, which are waited for with a transcript asked for.
		const { json } = await callAndWait(OUTCOMES.answered.examplePhone, { includeTranscript: true });
		expect(json[0].recording_public_url).toEqual(expect.stringContaining('/public/download/'));
	});

	it('off, leaves every public link and the token out', async () => {
		const raw = await callAndWait(OUTCOMES.answered.examplePhone, { includePublicLinks: false });
		for (const field of [
			'recording_public_url',
			'transcript_public_url',
			'user_recording_public_url',
			'bot_recording_public_url',
			'public_access_token',
		])
			expect(raw.json[0]).not.toHaveProperty(field);
		expect(JSON.stringify(raw.json[0])).not.toContain('/public/download/');
		expect(raw.json[0].recording_url).toEqual(expect.any(String));

		const simple = await callAndWait(OUTCOMES.answered.examplePhone, {
			includePublicLinks: false,
			simplify: true,
		});
		expect(simple.json[0]).not.toHaveProperty('recording_url');
		expect(JSON.stringify(simple.json[0])).not.toContain('/public/download/');
	});
});

describe('Download Recording', () => {
	function recordingOf(item: INodeExecutionData) {
		return item.binary?.recording;
	}

	it('attaches the recording as binary data, fetched without the API key', async () => {
		const { outputs, error } = await callAndWait(OUTCOMES.answered.examplePhone, {
			downloadRecording: true,
		});
		expect(error).toBeUndefined();
		const binary = recordingOf(outputs[0][0]);
		expect(binary).toMatchObject({
			mimeType: 'audio/wav',
			fileName: `${outputs[0][0].json.workflow_run_name as string}.wav`,
		});
		expect(Buffer.from(binary!.data, 'base64').subarray(0, 4).toString()).toBe('RIFF');

		const storage = sandbox.current.storageRequests;
		expect(
			storage.some((request) => request.path.endsWith(outputs[0][0].json.recording_url as string)),
		).toBe(true);
		for (const request of storage) {
			expect(request.headers['x-api-key']).toBeUndefined();
			expect(JSON.stringify(request)).not.toContain(SEED.apiKey);
		}
		const downloads = sandbox.current.requests.filter((request) =>
			request.path.endsWith('/recording'),
		);
		expect(downloads.length).toBe(1);
		expect(downloads[0].headers['x-api-key']).toBeUndefined();
	});

	it('attaches nothing for a call without a recording', async () => {
		const { outputs, error } = await callAndWait(OUTCOMES.busy.examplePhone, {
			downloadRecording: true,
		});
		expect(error).toBeUndefined();
		expect(outputs[0][0].binary).toBeUndefined();
	});

	it('on Get Run too, and says so when the recording is over the size limit', async () => {
		const placed = await callAndWait(OUTCOMES.answered.examplePhone);
		const runId = placed.json[0].workflow_run_id;
		const fetched = await runNode({
			parameters: getRunParameters({ options: { downloadRecording: true } }),
			items: [{ workflow_run_id: runId }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(recordingOf(fetched.outputs[0][0])?.mimeType).toBe('audio/wav');

		const tooLarge = await runNode({
			parameters: getRunParameters({
				options: { downloadRecording: true, maxRecordingSizeMb: 0.001 },
			}),
			items: [{ workflow_run_id: runId }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(tooLarge.error?.message).toBe(
			`The recording of run ${String(runId)} is larger than 0.001 MB`,
		);
		expect(tooLarge.error?.description).toContain('Max Recording Size (MB)');
	});
});

describe('Download Recording from a public link that misbehaves', () => {
	// A run API whose run 9001 links its recording to `answer` on a file server of its own.
	async function getRunWith(
		answer:
			| { status?: number; headers?: Record<string, string>; body?: string | Buffer }
			| 'unreachable',
	) {
		const files = await startServer(() =>
			answer === 'unreachable' ? undefined : (answer as never),
		);
		const link =
			answer === 'unreachable' ? 'http://127.0.0.1:1/recording' : `${files.origin}/recording`;
		const api = await startServer(() => ({
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				id: 9001,
				workflow_id: 312,
				is_completed: true,
				recording_url: 'recordings/9001.wav',
				recording_public_url: link,
			}),
		}));
		try {
			return await runNode({
				parameters: getRunParameters({ options: { downloadRecording: true, timeoutSeconds: 2 } }),
				items: [{ workflow_run_id: 9001 }],
				credentials: { apiKey: sandbox.current.apiKey, baseUrl: `${api.origin}/api/v1` },
				continueOnFail: true,
			});
		} finally {
			await files.close();
			await api.close();
		}
	}

	it('fails the item when the link answers 200 with an HTML error page', async () => {
		const { json } = await getRunWith({
			headers: { 'content-type': 'text/html' },
			body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>',
		});
		expect(json[0].error).toBe(
			'The recording of run 9001 is not audio: the link answered with text/html instead of audio: "<!DOCTYPE html><html><body><h1>502 Bad G"',
		);
	});

	it('fails the item when an error text comes labelled as audio, or the file is empty', async () => {
		const lying = await getRunWith({
			headers: { 'content-type': 'audio/wav' },
			body: 'Service temporarily unavailable',
		});
		expect(lying.json[0].error).toMatch(/^The recording of run 9001 is not audio: /);
		const empty = await getRunWith({ headers: { 'content-type': 'audio/wav' }, body: '' });
		expect(empty.json[0].error).toBe('The recording of run 9001 is not audio: the file is empty');
	});

	it('keeps a WAV file that is labelled as text, typed by its bytes', async () => {
		const wav = Buffer.concat([
			Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
			Buffer.alloc(64, 1),
		]);
		const { outputs, json } = await getRunWith({
			headers: { 'content-type': 'text/plain' },
			body: wav,
		});
		expect(json[0].error).toBeUndefined();
		expect(outputs[0][0].binary?.recording).toMatchObject({ mimeType: 'audio/wav' });
		expect(Buffer.from(outputs[0][0].binary!.recording.data, 'base64').equals(wav)).toBe(true);
	});

	it('names the run when the link cannot be reached', async () => {
		const { json } = await getRunWith('unreachable');
		expect(json[0]).toMatchObject({
			error: 'Downloading the recording of run 9001 failed',
			description: expect.stringContaining('ECONNREFUSED'),
		});
	});
});

describe('Trigger Call options', () => {
	it('sends the caller number next to the telephony configuration', async () => {
		await runNode({
			parameters: triggerParameters({
				options: { telephonyConfigurationId: 7, fromPhoneNumberId: 72 },
			}),
			items: [{ phone: '+14155552671', name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		const [request] = triggerRequests(sandbox.current);
		expect(JSON.parse(request.rawBody)).toMatchObject({
			telephony_configuration_id: 7,
			from_phone_number_id: 72,
		});
	});

	it.each([
		{ options: { delayBetweenCallsSeconds: 0.3 }, unit: 'in seconds' },
		{ options: { delayBetweenCallsMs: 300 }, unit: 'as saved by older workflows, in ms' },
		{
			options: { delayBetweenCallsSeconds: 0.3, delayBetweenCallsMs: 0 },
			unit: 'seconds over the old value',
		},
	])('spaces dials by Delay Between Calls $unit', async ({ options }) => {
		// Four calls at once (Max Concurrent Calls defaults to 5): only the delay spaces them.
		await runNode({
			parameters: triggerParameters({ options }),
			items: [0, 1, 2, 3].map((i) => ({ phone: `+1415555${2680 + i}`, name: 'Jane' })),
			credentials: credentialsFor(sandbox.current),
		});
		const at = triggerRequests(sandbox.current).map((request) => request.at);
		expect(at).toHaveLength(4);
		// Times are taken where the sandbox receives each request: a request that leaves late (the
		// first does, n8n's HTTP client starts up on it) shortens the gap after it. 300 ms read in
		// the wrong unit would give gaps of 0.3 ms, or of 300 s and a timeout.
		const gaps = at.slice(1).map((time, k) => time - at[k]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
	});
});
