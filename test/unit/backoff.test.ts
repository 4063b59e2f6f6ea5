import { sleep } from 'n8n-workflow';

import { backoffDelay, pause, retryAfterMs } from '../../nodes/shared/transport/backoff';

describe('back-off', () => {
	it('grows exponentially within jitter and the cap', () => {
		for (let attempt = 0; attempt < 8; attempt++) {
			const delay = backoffDelay(attempt, 500, 4000);
			const ceiling = Math.min(4000, 500 * 2 ** attempt);
			expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
			expect(delay).toBeLessThanOrEqual(ceiling);
		}
	});

	it('reads Retry-After as seconds or a date', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(retryAfterMs(['1.5'])).toBe(1500);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
		expect(retryAfterMs('soon')).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});

	it('ends a pause early when cancelled', async () => {
		const signal = { aborted: false };
		const started = Date.now();
		const pending = pause(10_000, signal);
		await sleep(50);
		signal.aborted = true;
		expect(await pending).toBe(false);
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});
