import { sleep } from 'n8n-workflow';

import { runPool } from '../../nodes/shared/pool';

describe('runPool', () => {
	it('keeps results in index order and never exceeds the limit', async () => {
		let running = 0;
		let peak = 0;
		const results = await runPool(
			12,
			3,
			async (i) => {
				running++;
				peak = Math.max(peak, running);
				await sleep((12 - i) * 2);
				running--;
				return i * 10;
			},
			{ stopOnError: false },
		);
		expect(peak).toBe(3);
		expect(results.map((result) => (result?.ok ? result.value : undefined))).toEqual([
			0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110,
		]);
	});

	it('stops starting work after a failure but lets running work finish', async () => {
		const started: number[] = [];
		const firstErrors: unknown[] = [];
		const results = await runPool(
			10,
			2,
			async (i) => {
				started.push(i);
				await sleep(i === 1 ? 20 : 1);
				if (i === 0) throw new Error('boom');
				return i;
			},
			{ stopOnError: true, onFirstError: (error) => firstErrors.push(error) },
		);
		expect(firstErrors).toEqual([new Error('boom')]);
		expect(started).toEqual([0, 1]);
		expect(results[0]).toEqual({ ok: false, error: new Error('boom') });
		expect(results[1]).toEqual({ ok: true, value: 1 });
		expect(results.slice(2)).toEqual(new Array(8).fill(undefined));
	});
});
