import { NodeApiError } from 'n8n-workflow';

import { settled } from '../helpers/settled';
import { backoffDelay, pause, type CancelSignal } from '../transport/backoff';

export const DEFAULT_CALL_LIMIT_WAIT_SECONDS = 300;

const FIRST_BACKOFF_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;

function isCallLimit(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '429';
}

/**
 * Sends a trigger again while Sysevo answers 429 (the organisation's concurrent-call cap), for at
 * most `budgetMs`. A 429 is raised before any run exists, so retrying it never dials twice
 * (docs/sysevo-api.md §6.7); the answer has no Retry-After, so the wait backs off with jitter.
 * Any other failure is passed on untouched.
 */
export async function retryAtCallLimit<T>(
	send: () => Promise<T>,
	budgetMs: number,
	signal: CancelSignal | undefined,
	onCancelled: () => Error,
): Promise<T> {
	const startedAt = Date.now();
	for (let attempt = 0; ; attempt++) {
		const result = await settled(send());
		if (result.ok) return result.value;
		const left = budgetMs - (Date.now() - startedAt);
		if (!isCallLimit(result.error) || left <= 0) throw result.error;
		const delay = Math.min(backoffDelay(attempt, FIRST_BACKOFF_MS, BACKOFF_CAP_MS), left);
		if (!(await pause(delay, signal))) throw onCancelled();
	}
}
