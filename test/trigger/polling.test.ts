import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import {
	agentRows,
	allCompleted,
	idsOf,
	PHONES,
	placeCalls,
	PollingTrigger,
	waitUntil,
	type PollResult,
} from './harness';

const sandbox = useSandbox({ concurrencyLimit: 1000 });

function trigger(parameters = {}) {
	return new PollingTrigger(parameters, credentialsFor(sandbox.current));
}

function mixedPhones(count: number, offset = 0): string[] {
	const kinds = [
		(n: number) => PHONES.answered(n),
		() => PHONES.busy,
		() => PHONES.noAnswer,
		() => PHONES.failed,
	];
	return Array.from({ length: count }, (_, index) => kinds[index % kinds.length](index + offset));
}

async function settled(ids: number[]): Promise<void> {
	await waitUntil(() => allCompleted(sandbox.current, ids), 15_000, 'calls to end');
}

function expectNoError(result: PollResult): PollResult {
	expect(result.error).toBeUndefined();
	return result;
}

/** Every id emitted over several polls, checked to appear exactly once. */
function emittedOnce(results: PollResult[]): number[] {
	const ids = results.flatMap((result) => idsOf(result.items));
	expect(new Set(ids).size).toBe(ids.length);
	return ids;
}

const SEEDED_RUNS = Object.values(SEED.runs);

describe('Sysevo Trigger, polling', () => {
	it('starts from now: runs that ended before activation are never emitted, later ones once', async () => {
		const before = await placeCalls(sandbox.current, [PHONES.busy, PHONES.answered(1)]);
		await settled(before);
		const polling = trigger();
		const activation = expectNoError(await polling.poll());
		expect(activation.items).toEqual([]);

		const after = await placeCalls(sandbox.current, [
			PHONES.answered(2),
			PHONES.failed,
			PHONES.noAnswer,
		]);
		await settled(after);
		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];

		expect(emittedOnce(results).sort()).toEqual([...after].sort());
		expect(results[1].items).toEqual([]);
		for (const id of [...before, ...SEEDED_RUNS]) expect(emittedOnce(results)).not.toContain(id);
	});

	it('emits a call that was still running at activation once it ends', async () => {
		sandbox.current.configure({ callDurationSeconds: 150 });
		const [running] = await placeCalls(sandbox.current, [PHONES.answered(3)]);
		const polling = trigger();
		expect(expectNoError(await polling.poll()).items).toEqual([]);
		expect(expectNoError(await polling.poll()).items).toEqual([]);

		await settled([running]);
		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];
		expect(emittedOnce(results)).toEqual([running]);
		expect(results[0].items[0]).toMatchObject({
			id: running,
			run_status: 'completed',
			disposition: 'user_hangup',
		});
	});

	it('emits each of 250 calls exactly once when they all end between two polls, across pages', async () => {
		const polling = trigger();
		expectNoError(await polling.poll());
		const ids = await placeCalls(sandbox.current, mixedPhones(250));
		await settled(ids);
		sandbox.current.clearRequests();

		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];

		expect(emittedOnce(results).sort()).toEqual([...ids].sort());
		expect(results[1].items).toEqual([]);
		const pages = sandbox.current.requests.filter(
			(request) => request.path === `/api/v1/workflow/${SEED.agents.renewal.id}/runs`,
		);
		expect(pages.map((request) => request.query.page)).toEqual(
			expect.arrayContaining(['1', '2', '3']),
		);
	});

	it('never skips or repeats a call while calls keep starting and ending out of order between polls', async () => {
		sandbox.current.configure({ callDurationSeconds: 40 });
		const polling = trigger();
		expectNoError(await polling.poll());
		const results: PollResult[] = [];
		const ids: number[] = [];
		for (let round = 0; round < 5; round++) {
			ids.push(...(await placeCalls(sandbox.current, mixedPhones(55, round * 55))));
			results.push(expectNoError(await polling.poll()));
		}
		await settled(ids);
		results.push(expectNoError(await polling.poll()), expectNoError(await polling.poll()));

		expect(emittedOnce(results).sort()).toEqual([...ids].sort());
		// Short calls (busy, failed) end before long ones started earlier: completion order differs.
		const emitted = emittedOnce(results);
		expect(emitted).not.toEqual([...emitted].sort((a, b) => a - b));
	});

	it('keeps its position when a poll fails and catches up on the next one, losing and repeating nothing', async () => {
		const polling = trigger();
		expectNoError(await polling.poll());
		const first = await placeCalls(sandbox.current, mixedPhones(30));
		await settled(first);
		const cursorBefore = polling.storedCursor;

		sandbox.current.faults.inject({ kind: 'text500', route: 'listRuns', times: Infinity });
		const failed = await polling.poll();
		sandbox.current.faults.clear();

		expect(failed.items).toEqual([]);
		expect(failed.error).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
		expect(failed.error?.message).toMatch(
			/^Polling Sysevo failed: Sysevo had an internal error \(HTTP 500\)/,
		);
		expect(failed.error?.description).toMatch(/next poll picks up every call/);
		expect(polling.storedCursor).toEqual(cursorBefore);

		const second = await placeCalls(sandbox.current, mixedPhones(5, 30));
		await settled(second);
		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];
		expect(emittedOnce(results).sort()).toEqual([...first, ...second].sort());
		expect(results[1].items).toEqual([]);
	});

	it('emits nothing when a poll fails after listing (fetching a run in full), and everything on the next', async () => {
		const polling = trigger({ options: { includeTranscript: true } });
		expectNoError(await polling.poll());
		const ids = await placeCalls(sandbox.current, [
			PHONES.answered(10),
			PHONES.answered(11),
			PHONES.busy,
		]);
		await waitUntil(
			() =>
				sandbox.current
					.runs()
					.filter(
						(run) =>
							ids.includes(run.id) &&
							(run.transcript_url || run.phone_number === PHONES.busy) &&
							run.is_completed,
					).length === 3,
			15_000,
			'transcripts',
		);

		sandbox.current.faults.inject({ kind: 'json503', route: 'getRun', times: Infinity });
		const failed = await polling.poll();
		sandbox.current.faults.clear();
		expect(failed.items).toEqual([]);
		expect(failed.error).toMatchObject({ name: 'NodeApiError', httpCode: '503' });

		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];
		expect(emittedOnce(results).sort()).toEqual([...ids].sort());
		const answered = results[0].items.find((item) => item.id === ids[0]);
		expect(answered).toMatchObject({
			transcript_source: 'file',
			transcript: expect.stringContaining('assistant:'),
		});
		expect(answered?.recording_public_url).toMatch(
			/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/public\/download\/workflow\/.+\/recording$/,
		);
	});

	it('holds a connected call back until its transcript is uploaded when the transcript is wanted', async () => {
		sandbox.current.configure({ transcriptDelaySeconds: 150 });
		const polling = trigger({ options: { includeTranscript: true } });
		expectNoError(await polling.poll());
		const [answered, busy] = await placeCalls(sandbox.current, [PHONES.answered(20), PHONES.busy]);
		await settled([answered, busy]);

		const early = expectNoError(await polling.poll());
		expect(idsOf(early.items)).toEqual([busy]);

		await waitUntil(
			() =>
				sandbox.current.runs().some((run) => run.id === answered && run.transcript_url !== null),
			15_000,
			'transcript',
		);
		const late = expectNoError(await polling.poll());
		expect(idsOf(late.items)).toEqual([answered]);
		expect(late.items[0]).toMatchObject({
			transcript_source: 'file',
			transcript_turns: expect.arrayContaining([expect.objectContaining({ role: 'user' })]),
		});
	});

	describe('filters', () => {
		async function emittedWith(
			parameters: object,
			phones: string[],
			options: { draft?: boolean } = {},
		) {
			const polling = trigger(parameters);
			expectNoError(await polling.poll());
			const ids = await placeCalls(sandbox.current, phones, options);
			await settled(ids);
			return { ids, emitted: idsOf(expectNoError(await polling.poll()).items) };
		}

		it('by outcome', async () => {
			const { ids, emitted } = await emittedWith(
				{ filters: { outcomes: ['not_connected', 'failed'] } },
				[PHONES.answered(30), PHONES.busy, PHONES.noAnswer, PHONES.failed],
			);
			expect(emitted.sort()).toEqual(ids.slice(1).sort());
		});

		it('by disposition, case-insensitively', async () => {
			const { ids, emitted } = await emittedWith(
				{ filters: { dispositions: ' No-Answer , user_hangup' } },
				[PHONES.answered(31), PHONES.busy, PHONES.noAnswer],
			);
			expect(emitted.sort()).toEqual([ids[0], ids[2]].sort());
		});

		it('leaves out draft test runs unless asked', async () => {
			const skipped = await emittedWith({}, [PHONES.answered(32)], { draft: true });
			expect(skipped.emitted).toEqual([]);
			sandbox.current.reset();
			const kept = await emittedWith(
				{ filters: { includeTestRuns: true } },
				[PHONES.answered(33)],
				{ draft: true },
			);
			expect(kept.emitted).toEqual(kept.ids);
		});

		it('a filtered-out call is not emitted later either', async () => {
			const polling = trigger({ filters: { outcomes: ['completed'] } });
			expectNoError(await polling.poll());
			const [busy] = await placeCalls(sandbox.current, [PHONES.busy]);
			await settled([busy]);
			const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];
			expect(emittedOnce(results)).toEqual([]);
		});
	});

	it('replays recent history on first activation only when asked', async () => {
		const polling = trigger({ options: { historyHours: 6 } });
		const results = [expectNoError(await polling.poll()), expectNoError(await polling.poll())];
		expect(emittedOnce(results).sort()).toEqual([SEED.runs.answered, SEED.runs.busy].sort());
		expect(results[0].items.find((item) => item.id === SEED.runs.busy)).toMatchObject({
			run_status: 'not_connected',
			disposition: 'busy',
		});
	});

	it('fetches the most recent finished call as the test event, without moving the cursor', async () => {
		const polling = trigger();
		const test = expectNoError(await polling.poll('manual'));
		expect(test.items).toHaveLength(1);
		expect(test.items[0]).toMatchObject({
			id: SEED.runs.answered,
			workflow_id: SEED.agents.renewal.id,
			run_status: 'completed',
			disposition: 'user_hangup',
			duration_seconds: 94,
		});
		expect(Object.keys(test.items[0]).some((key) => key.startsWith('extracted_'))).toBe(true);
		expect(polling.storedCursor).toEqual({});

		const filtered = expectNoError(
			await trigger({ filters: { outcomes: ['not_connected'] } }).poll('manual'),
		);
		expect(idsOf(filtered.items)).toEqual([SEED.runs.busy]);
	});

	it('explains a test event with nothing to show', async () => {
		const { error } = await trigger({ filters: { dispositions: 'no_such_code' } }).poll('manual');
		expect(error?.message).toBe('No finished call of the selected agents matches the filters');
	});

	it('asks for an agent when none is chosen', async () => {
		const { error } = await trigger({ agentIds: [] }).poll();
		expect(error?.message).toBe('Choose at least one agent to watch');
	});

	describe('version 2: agents picked in rows', () => {
		const version2 = (parameters = {}) =>
			new PollingTrigger(parameters, credentialsFor(sandbox.current), undefined, 2);
		const listedAgents = () =>
			sandbox.current.requests.flatMap(
				(request) => /\/workflow\/(\d+)\/runs$/.exec(request.path)?.[1] ?? [],
			);

		it("polls the agents of the rows, chosen from the list or typed, and ignores version 1's parameter", async () => {
			sandbox.current.clearRequests();
			const polling = version2({
				agentIds: [String(SEED.agents.appointment.id)],
				agents: agentRows(
					{ mode: 'list', value: String(SEED.agents.renewal.id) },
					{ mode: 'id', value: ` ${SEED.agents.leadQualifier.id} ` },
				),
			});
			expectNoError(await polling.poll());
			expect([...new Set(listedAgents())].sort()).toEqual(
				[String(SEED.agents.renewal.id), String(SEED.agents.leadQualifier.id)].sort(),
			);

			const test = expectNoError(await polling.poll('manual'));
			expect(test.items[0]).toMatchObject({
				id: SEED.runs.answered,
				workflow_id: SEED.agents.renewal.id,
			});
		});

		it('asks for an agent under Agents when no row names one', async () => {
			for (const agents of [{}, agentRows({ mode: 'list', value: '' })]) {
				const { error } = await version2({ agents }).poll();
				expect(error?.message).toBe('Choose at least one agent to watch');
				expect(error?.description).toContain('"Agents"');
			}
		});

		it('refuses an agent ID that is not a whole number before asking Sysevo', async () => {
			sandbox.current.clearRequests();
			const { error } = await version2({ agents: agentRows({ mode: 'id', value: '31/2' }) }).poll();
			expect(error?.message).toMatch(/agent ID/);
			expect(sandbox.current.requests).toEqual([]);
		});
	});

	it('does nothing in webhook mode', async () => {
		sandbox.current.clearRequests();
		const result = await trigger({ mode: 'webhook' }).poll();
		expect(result).toEqual({ items: [] });
		expect(sandbox.current.requests).toEqual([]);
	});
});
