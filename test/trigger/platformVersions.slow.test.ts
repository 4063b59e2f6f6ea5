import { sleep, type IDataObject } from 'n8n-workflow';

import { outcomeSettled } from '../../nodes/shared/helpers/runSummary';
import { OUTCOMES, type ForeignRunKind, type PlatformVersion, type RunRecord } from '../../sandbox';
import { WEBHOOK_TEST_SECRETS } from '../helpers/leaks';
import { credentialsFor, useSandbox } from '../helpers/sandbox';
import {
	allCompleted,
	idsOf,
	PHONES,
	placeCalls,
	PollingTrigger,
	RENEWAL,
	waitUntil,
	webhookTrigger,
	type PollResult,
} from './harness';

// The trigger supports the platform builds from 1.37 to 1.45; the key flows run against both ends.
const VERSIONS: PlatformVersion[] = ['1.37', '1.45'];

/** Simulated seconds run 20 times faster: a 2 s poll interval is 100 ms. */
const TIME_SCALE = 0.05;
const POLL_EVERY_MS = 2_000 * TIME_SCALE;

const FOREIGN_KINDS: ForeignRunKind[] = [
	'editorPhoneTest',
	'webTest',
	'textChat',
	'inbound',
	'campaign',
];

function mixedPhones(count: number): string[] {
	const kinds = [PHONES.answered, () => PHONES.busy, () => PHONES.noAnswer, () => PHONES.failed];
	return Array.from({ length: count }, (_, index) => kinds[index % kinds.length](index));
}

/** Every id emitted over several polls, checked to appear exactly once. */
function emittedOnce(results: PollResult[]): number[] {
	const ids = results.flatMap((result) => idsOf(result.items));
	expect(new Set(ids).size).toBe(ids.length);
	return ids;
}

describe.each(VERSIONS)('Sysevo Trigger against platform %s', (platformVersion) => {
	const sandbox = useSandbox({
		platformVersion,
		timeScale: TIME_SCALE,
		concurrencyLimit: 1000,
		outcomeSettleSeconds: 5,
	});

	function trigger(parameters = {}) {
		return new PollingTrigger(parameters, credentialsFor(sandbox.current));
	}

	async function poll(polling: PollingTrigger): Promise<PollResult> {
		const result = await polling.poll();
		expect(result.error).toBeUndefined();
		return result;
	}

	/** Polls every 2 simulated seconds until `done` holds, then twice more. */
	async function pollUntil(polling: PollingTrigger, done: () => boolean): Promise<PollResult[]> {
		const results: PollResult[] = [];
		const deadline = Date.now() + 60_000;
		while (!done()) {
			if (Date.now() > deadline) throw new Error('Timed out polling');
			results.push(await poll(polling));
			await sleep(POLL_EVERY_MS);
		}
		results.push(await poll(polling), await poll(polling));
		return results;
	}

	function runsWith(ids: number[]): RunRecord[] {
		const wanted = new Set(ids);
		return sandbox.current.runs().filter((run) => wanted.has(run.id));
	}

	/**
	 * True once every run has ended and its outcome is written, or, for outcomes that never come,
	 * once every run has been ended for longer than a trigger's settle time.
	 */
	function endedLongerThan(ids: number[], settleMs: number): () => boolean {
		let allEndedAt: number | undefined;
		return () => {
			const runs = runsWith(ids);
			if (!runs.every((run) => run.is_completed)) return false;
			allEndedAt ??= Date.now();
			if (runs.every((run) => outcomeSettled(run as unknown as IDataObject))) return true;
			return Date.now() - allEndedAt > settleMs;
		};
	}

	function startForeignRuns(): number[] {
		return FOREIGN_KINDS.map((kind) => sandbox.current.startForeignRun(kind, RENEWAL.id).id);
	}

	it('emits each of 200 calls once, with its disposition, while outcomes settle 5 s after the call ends', async () => {
		const polling = trigger();
		await poll(polling);
		const ids = await placeCalls(sandbox.current, mixedPhones(200));
		const results = await pollUntil(polling, () => allCompleted(sandbox.current, ids));

		expect(emittedOnce(results).sort()).toEqual([...ids].sort());
		const items = results.flatMap((result) => result.items);
		for (const item of items) {
			expect(item).toMatchObject({ outcome_settled: true, disposition: expect.any(String) });
		}
		const answered = items.filter((item) => item.run_status === 'completed');
		expect(answered).toHaveLength(50);
		for (const item of answered) {
			expect(item).toMatchObject({
				disposition: 'user_hangup',
				extracted_appointment_confirmed: true,
				// List items have usage_info null (docs/sysevo-api.md §6.6); polled items are read in
				// full. QA results come after the outcome, so annotations may still be empty here.
				usage_info: expect.objectContaining({ call_duration_seconds: expect.any(Number) }),
			});
		}
	});

	it('emits an outcome that never settles once, after the settle time, with outcome_settled false', async () => {
		const polling = trigger({ options: { outcomeSettleSeconds: 1 } });
		await poll(polling);
		const [stuck, answered] = await placeCalls(sandbox.current, [
			OUTCOMES.mediaNeverConnects.examplePhone,
			PHONES.answered(901),
		]);
		const results: PollResult[] = [];
		let firstPollAfterEnd: number | undefined;
		const deadline = Date.now() + 60_000;
		while (!results.some((result) => idsOf(result.items).includes(stuck))) {
			if (Date.now() > deadline) throw new Error('Timed out waiting for the unsettled run');
			const ended = runsWith([stuck])[0].is_completed;
			results.push(await poll(polling));
			if (ended && firstPollAfterEnd === undefined) firstPollAfterEnd = results.length - 1;
			await sleep(POLL_EVERY_MS);
		}
		results.push(await poll(polling), await poll(polling));

		const emittedAt = results.findIndex((result) => idsOf(result.items).includes(stuck));
		// Seen ended, then held back for the settle time before it was emitted.
		expect(firstPollAfterEnd).toBeDefined();
		expect(emittedAt).toBeGreaterThan(firstPollAfterEnd!);
		expect(emittedOnce(results).sort()).toEqual([stuck, answered].sort());
		const items = results.flatMap((result) => result.items);
		expect(items.find((item) => item.id === stuck)).toMatchObject({
			is_completed: true,
			disposition: null,
			outcome_settled: false,
		});
		expect(items.find((item) => item.id === answered)).toMatchObject({
			disposition: 'user_hangup',
			outcome_settled: true,
		});
	});

	it.each([
		['by default only API calls on the published agent', {}, ['api']],
		[
			'inbound and campaign calls when chosen',
			{ callSources: ['inbound', 'campaign'] },
			['inbound', 'campaign'],
		],
		[
			'editor tests, web tests and chats when chosen',
			{ callSources: ['editorTest'] },
			['editorPhoneTest', 'webTest', 'textChat'],
		],
		[
			'draft API calls too with Include API Calls on the Draft',
			{ includeTestRuns: true },
			['api', 'draft'],
		],
	])('polling emits %s', async (_label, filters, expected) => {
		const polling = trigger({ filters, options: { outcomeSettleSeconds: 2 } });
		await poll(polling);
		const [api] = await placeCalls(sandbox.current, [PHONES.answered(700)]);
		const [draft] = await placeCalls(sandbox.current, [PHONES.answered(701)], { draft: true });
		const foreign = startForeignRuns();
		const byKind: Record<string, number> = { api, draft };
		FOREIGN_KINDS.forEach((kind, index) => (byKind[kind] = foreign[index]));
		const all = [api, draft, ...foreign];
		const results = await pollUntil(polling, endedLongerThan(all, 2_500));

		expect(emittedOnce(results).sort()).toEqual(expected.map((kind) => byKind[kind]).sort());
	});

	it.each([
		['by default only the API call', {}, ['api']],
		[
			'inbound and campaign calls when chosen',
			{ callSources: ['inbound', 'campaign'] },
			['inbound', 'campaign'],
		],
	])('webhook mode emits %s', async (_label, filters, expected) => {
		const secret = WEBHOOK_TEST_SECRETS.credential;
		const receiver = await webhookTrigger(
			{ filters },
			{ credential: { headerName: 'X-Sysevo-Secret', secret } },
		);
		try {
			sandbox.current.setAgentWebhook(RENEWAL.id, {
				url: receiver.url,
				credential: { type: 'custom_header', headerName: 'X-Sysevo-Secret', headerValue: secret },
			});
			const [api] = await placeCalls(sandbox.current, [PHONES.answered(800)]);
			const foreign = startForeignRuns();
			const byKind: Record<string, number> = { api };
			FOREIGN_KINDS.forEach((kind, index) => (byKind[kind] = foreign[index]));
			const all = [api, ...foreign];
			await waitUntil(
				() => {
					const delivered = sandbox.current
						.webhookDeliveries()
						.filter((delivery) => delivery.state !== 'pending' && delivery.attempts.length > 0);
					return all.every((id) => delivered.some((delivery) => delivery.workflowRunId === id));
				},
				30_000,
				'a webhook delivery for every run',
			);

			const emitted = idsOf(receiver.emitted);
			expect(emitted.sort()).toEqual(expected.map((kind) => byKind[kind]).sort());
			// Left-out runs were answered 200, so Sysevo neither retries nor parks them.
			const states = sandbox.current.webhookDeliveries().map((delivery) => delivery.state);
			expect(states.filter((state) => state !== 'succeeded')).toEqual([]);
		} finally {
			await receiver.close();
		}
	});
});
