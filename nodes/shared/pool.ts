import type { Settled } from './helpers/settled';

/**
 * Runs `worker` for indices 0..count-1 with at most `limit` in flight and returns the results in
 * index order. After the first failure `onFirstError` runs and, with `stopOnError`, no new index
 * starts; running ones finish, so work that already reached the server is never abandoned.
 */
export async function runPool<T>(
	count: number,
	limit: number,
	worker: (index: number) => Promise<T>,
	options: { stopOnError: boolean; onFirstError?: (error: unknown) => void },
): Promise<Array<Settled<T> | undefined>> {
	const results: Array<Settled<T> | undefined> = new Array(count).fill(undefined);
	let next = 0;
	let failed = false;

	async function lane(): Promise<void> {
		while (!(failed && options.stopOnError) && next < count) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await worker(index) };
			} catch (error) {
				results[index] = { ok: false, error };
				if (!failed) options.onFirstError?.(error);
				failed = true;
			}
		}
	}

	const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, count));
	await Promise.all(Array.from({ length: lanes }, lane));
	return results;
}
