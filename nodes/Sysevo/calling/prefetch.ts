import type { Settled } from '../helpers/settled';

/**
 * Computes `compute(0..count-1)` in order, in the background, a few at a time: after each chunk it
 * yields to the event loop, so the work fills idle time instead of delaying responses being handled.
 * `get(i)` settles once item i is computed.
 */
export function prefetch<T>(
	count: number,
	compute: (index: number) => T,
	yieldToEventLoop: () => Promise<void>,
	chunk = 5,
): { get: (index: number) => Promise<T> } {
	const waiting: Array<(result: Settled<T>) => void> = [];
	const results: Array<Promise<Settled<T>>> = Array.from(
		{ length: count },
		(_, index) => new Promise((resolve) => (waiting[index] = resolve)),
	);

	void (async () => {
		for (let index = 0; index < count; index++) {
			if (index > 0 && index % chunk === 0) await yieldToEventLoop();
			try {
				waiting[index]({ ok: true, value: compute(index) });
			} catch (error) {
				waiting[index]({ ok: false, error });
			}
		}
	})();

	return {
		get: async (index) => {
			const result = await results[index];
			if (!result.ok) throw result.error;
			return result.value;
		},
	};
}
