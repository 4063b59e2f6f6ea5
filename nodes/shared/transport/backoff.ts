import { sleep } from 'n8n-workflow';

export interface CancelSignal {
	readonly aborted: boolean;
}

const SLICE_MS = 250;

/** Waits `ms`, returning early (with false) once the execution is cancelled. */
export async function pause(ms: number, signal?: CancelSignal): Promise<boolean> {
	let remaining = Math.max(0, ms);
	while (remaining > 0) {
		if (signal?.aborted) return false;
		const step = Math.min(remaining, SLICE_MS);
		await sleep(step);
		remaining -= step;
	}
	return !signal?.aborted;
}

/** Exponential back-off with equal jitter (between half and all of the step), capped. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Seconds or an HTTP date, as allowed for Retry-After; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
