import fc from 'fast-check';

import {
	advanceCursor,
	OVERLAP_MS,
	startingCursor,
	type AgentCursor,
	type RunListItem,
	type RunSource,
} from '../../nodes/SysevoTrigger/poll/cursor';
import { propertyRuns } from '../helpers/propertyRuns';

/**
 * A model of the list-runs API over simulated time: runs become visible a little after their
 * created_at (the write lags the timestamp), end in any order or never, and a poll may fail at
 * any request. The real cursor functions run against it.
 */
interface ModelRun {
	id: number;
	createdAt: number;
	visibleAt: number;
	endsAt: number;
	startedAfterActivation: boolean;
}

const T0 = Date.parse('2026-06-20T14:00:00.000Z');

function iso(ms: number): string {
	return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

class FailingRequest extends Error {}

function sourceAt(runs: ModelRun[], now: number, failAtRequest: number | null): RunSource {
	let requests = 0;
	const request = () => {
		if (failAtRequest !== null && requests++ === failAtRequest)
			throw new FailingRequest('injected');
	};
	const item = (run: ModelRun): RunListItem => {
		const ended = run.endsAt <= now;
		return {
			id: run.id,
			created_at: iso(run.createdAt),
			is_completed: ended,
			// A settled outcome, as Sysevo writes it once the call has ended.
			gathered_context: ended ? { call_disposition: 'user_hangup' } : {},
			cost_info: ended ? { call_duration_seconds: 30 } : null,
		};
	};
	const visible = () =>
		runs
			.filter((run) => run.visibleAt <= now)
			.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
	const from = (since: string | null) =>
		since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
	return {
		listSince: async (since) => {
			request();
			return visible()
				.filter((run) => run.createdAt >= from(since))
				.map(item);
		},
		listRunning: async (since) => {
			request();
			return visible()
				.filter((run) => run.createdAt >= from(since) && run.endsAt > now)
				.map(item);
		},
		newest: async () => {
			request();
			const all = visible();
			return all.length > 0 ? item(all[all.length - 1]) : undefined;
		},
		fetch: async (runId) => {
			request();
			const run = visible().find((candidate) => candidate.id === runId);
			return run ? item(run) : null;
		},
	};
}

const stepArbitrary = fc.record({
	advanceMs: fc.integer({ min: 0, max: 90_000 }),
	newRuns: fc.array(
		fc.record({
			writeLagMs: fc.integer({ min: 0, max: OVERLAP_MS / 4 }),
			durationMs: fc.oneof(
				fc.integer({ min: 0, max: 20 * 60_000 }),
				fc.constant(Number.POSITIVE_INFINITY),
			),
		}),
		{ maxLength: 12 },
	),
	poll: fc.boolean(),
	failAtRequest: fc.option(fc.integer({ min: 0, max: 6 }), { freq: 3 }),
});

describe('the polling cursor, against a model of the API', () => {
	it('emits every run that ends after activation exactly once, only once it has ended, and no other', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }),
				fc.integer({ min: 0, max: 20 }),
				async (steps, history) => {
					const runs: ModelRun[] = [];
					let now = T0;
					let nextId = 1;
					let activated = false;
					const addRuns = (step: (typeof steps)[number]) => {
						for (const spec of step.newRuns) {
							runs.push({
								id: nextId++,
								createdAt: now,
								visibleAt: now + spec.writeLagMs,
								endsAt: now + spec.durationMs,
								startedAfterActivation: activated,
							});
						}
					};
					for (let index = 0; index < history; index++) {
						addRuns(steps[index % steps.length]);
						now += 30_000;
					}

					const activatedAt = now;
					let cursor: AgentCursor = await startingCursor(sourceAt(runs, now, null), now);
					activated = true;
					const emitted: number[] = [];
					const poll = async (failAtRequest: number | null) => {
						try {
							const step = await advanceCursor(sourceAt(runs, now, failAtRequest), cursor, {
								includeTranscript: false,
								outcomeSettleMs: 180_000,
								now,
							});
							for (const run of step.finished) {
								expect(run.is_completed).toBe(true);
								emitted.push(run.id);
							}
							cursor = JSON.parse(JSON.stringify(step.cursor)) as AgentCursor;
						} catch (error) {
							// Only the injected failure may end a poll early; the cursor then stays put.
							expect(error).toBeInstanceOf(FailingRequest);
						}
					};

					for (const step of steps) {
						now += step.advanceMs;
						addRuns(step);
						if (step.poll) await poll(step.failAtRequest);
					}
					now += 60 * 60_000;
					await poll(null);
					await poll(null);

					const expected = runs
						.filter((run) => Number.isFinite(run.endsAt))
						.filter(
							(run) =>
								run.startedAfterActivation ||
								run.endsAt > activatedAt ||
								run.visibleAt > activatedAt,
						)
						.map((run) => run.id);
					expect(new Set(emitted).size).toBe(emitted.length);
					expect([...emitted].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
				},
			),
			{ numRuns: propertyRuns(500) },
		);
	});

	it('keeps the remembered ids bounded by the overlap window', async () => {
		const runs: ModelRun[] = [];
		let cursor = await startingCursor(sourceAt(runs, T0, null), T0);
		let now = T0;
		for (let minute = 0; minute < 120; minute++) {
			now += 60_000;
			for (let index = 0; index < 20; index++)
				runs.push({
					id: runs.length + 1,
					createdAt: now,
					visibleAt: now,
					endsAt: now,
					startedAfterActivation: true,
				});
			cursor = (
				await advanceCursor(sourceAt(runs, now, null), cursor, {
					includeTranscript: false,
					outcomeSettleMs: 180_000,
					now,
				})
			).cursor;
		}
		// 2400 runs seen; only those inside the overlap window are remembered.
		expect(Object.keys(cursor.handled).length).toBeLessThanOrEqual(20 * (OVERLAP_MS / 60_000 + 1));
		expect(cursor.open).toEqual({});
	});
});
