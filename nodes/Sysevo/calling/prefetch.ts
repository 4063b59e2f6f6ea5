import type { Settled } from '../../shared/helpers/settled';

/**
 * Computes `compute(0..count-1)` in order, in the background, `chunk` at a time (one by default):
 * after each chunk it yields to the event loop, so the work fills idle time instead of delaying
 * responses being handled (docs/performance.md).
 * It runs at most `lookahead` indices past the highest one asked for, so a long input is not held
 * in memory all at once (docs/performance.md). `get(i)` settles once item i is computed; each
 * index is taken once, and its result is dropped then.
 */
export function prefetch<T>(
	count: number,
	compute: (index: number) => T,
	yieldToEventLoop: () => Promise<void>,
	chunk = 1,
	lookahead = 50,
): { get: (index: number) => Promise<T> } {
	const done = new Map<number, Settled<T>>();
	const waiting = new Map<number, (result: Settled<T>) => void>();
	let highestAsked = -1;
	let wake: (() => void) | undefined;

	void (async () => {
		for (let index = 0; index < count; index++) {
			if (index > 0 && index % chunk === 0) await yieldToEventLoop();
			while (index > highestAsked + lookahead)
				await new Promise<void>((resolve) => (wake = resolve));
			let result: Settled<T>;
			try {
				result = { ok: true, value: compute(index) };
			} catch (error) {
				result = { ok: false, error };
			}
			const waiter = waiting.get(index);
			if (waiter) {
				waiting.delete(index);
				waiter(result);
			} else done.set(index, result);
		}
	})();

	const take = async (index: number): Promise<Settled<T>> => {
		const result = done.get(index);
		if (result) {
			done.delete(index);
			return result;
		}
		return await new Promise((resolve) => waiting.set(index, resolve));
	};

	return {
		get: async (index) => {
			if (index > highestAsked) {
				highestAsked = index;
				wake?.();
				wake = undefined;
			}
			const result = await take(index);
			if (!result.ok) throw result.error;
			return result.value;
		},
	};
}
