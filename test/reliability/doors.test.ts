import { useSandbox } from '../helpers/sandbox';
import { fuzzDownload } from './doors/download';
import type { DoorFigures } from './doors/figures';
import { fuzzGetMany } from './doors/getMany';
import { fuzzPolling } from './doors/polling';
import { fuzzValidateNumber } from './doors/validateNumber';
import { fuzzWebhook } from './doors/webhook';

// Each door of `npm run reliability` on a small seeded run: the same checks, fewer inputs.
const sandbox = useSandbox({ timeScale: 0.002, concurrencyLimit: 200 });

function expectKept(figures: DoorFigures): void {
	expect({
		violations: figures.violations,
		lost: figures.itemsIn - figures.itemsOut,
		duplicates: figures.duplicates,
		keyLeaks: figures.keyLeaks,
	}).toEqual({ violations: [], lost: 0, duplicates: 0, keyLeaks: 0 });
}

describe('every door keeps its invariants on a small seeded run', () => {
	it('the webhook trigger: secrets, rendered and broken payloads, repeats, concurrent repeats', async () => {
		const figures = await fuzzWebhook(7, 200);
		expectKept(figures);
		// The run really exercised what it claims to.
		expect(figures.itemsIn).toBeGreaterThan(100);
		expect(figures.badInputs.size).toBeGreaterThan(150);
		expect(JSON.parse(String(figures.extra.answers))).toEqual({
			200: expect.any(Number),
			400: expect.any(Number),
			401: expect.any(Number),
		});
	}, 240_000);

	it('Download Recording: slow, stalled, huge, redirected, mislabelled and HTML answers', async () => {
		const figures = await fuzzDownload(7, 2, 30, 2);
		expectKept(figures);
		expect(figures.itemsIn).toBe(60);
		expect(Number(figures.extra.recordings_delivered)).toBeGreaterThan(5);
		expect(figures.badInputs.size).toBeGreaterThan(20);
	}, 240_000);

	it('Validate Number', async () => {
		const figures = await fuzzValidateNumber(sandbox.current, 7, 2, 100);
		expectKept(figures);
		expect(figures.itemsIn).toBe(200);
		expect(figures.badInputs.size).toBeGreaterThan(100);
	}, 240_000);

	it('Get Many Runs, with faults on the run list and Get Run', async () => {
		const figures = await fuzzGetMany(sandbox.current, 7, 6, 10);
		expectKept(figures);
		expect(figures.itemsIn).toBe(60);
		expect(figures.badInputs.size).toBeGreaterThan(10);
	}, 240_000);

	it('the polling trigger: bad settings, and every call emitted once under faults', async () => {
		const figures = await fuzzPolling(7, 20, 6);
		expectKept(figures);
		expect(Number(figures.extra.calls_ended)).toBeGreaterThan(3);
		expect(figures.itemsIn).toBeGreaterThan(9);
	}, 240_000);
});
