export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The outcome of a promise as a value, for code that decides per failure what to pass on. */
export async function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}
