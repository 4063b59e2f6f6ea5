import { NodeApiError } from 'n8n-workflow';

import { settled } from '../../shared/helpers/settled';
import { backoffDelay, pause, type CancelSignal } from '../../shared/transport/backoff';
import type { CallEndWait } from './callEnds';

const FIRST_BACKOFF_MS = 500;
// Short: a 429 creates no run, and a slot freed by another execution should not sit idle.
const BACKOFF_CAP_MS = 3_000;

function isCallLimit(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '429';
}

export interface CallLimitWait {
	budgetMs: number;
	signal?: CancelSignal;
	/** Queues for the next live call under the same credential in this process to end (`callEnds.ts`). */
	nextCallEnd: () => CallEndWait;
	/** Whether the node has stopped dialling (another item failed): no further try is sent. */
	stopped: () => boolean;
	onCancelled: () => Error;
}

/**
 * Sends a trigger again while Sysevo answers 429 (the organisation's concurrent-call cap), for at
 * most `budgetMs`. A 429 is raised before any run exists, so retrying it never dials twice
 * (docs/sysevo-api.md §6.7). The cap is shared with every other execution and channel of the
 * organisation and the answer has no Retry-After, so the next try comes when a call under the same
 * credential ends anywhere in this n8n process and this item has waited longest (`callEnds.ts`), or
 * after a jittered back-off, whichever is first. Any other failure is passed on untouched.
 */
export async function retryAtCallLimit<T>(send: () => Promise<T>, wait: CallLimitWait): Promise<T> {
	const startedAt = Date.now();
	for (let attempt = 0; ; attempt++) {
		const result = await settled(send());
		if (result.ok) return result.value;
		const left = wait.budgetMs - (Date.now() - startedAt);
		if (!isCallLimit(result.error) || left <= 0) throw result.error;
		const delay = Math.min(backoffDelay(attempt, FIRST_BACKOFF_MS, BACKOFF_CAP_MS), left);
		const callEnd = wait.nextCallEnd();
		const waited = await Promise.race([pause(delay, wait.signal), callEnd.ended.then(() => true)]);
		callEnd.cancel();
		if (!waited || wait.signal?.aborted || wait.stopped()) throw wait.onCancelled();
	}
}
