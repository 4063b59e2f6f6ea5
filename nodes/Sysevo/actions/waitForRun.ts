import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { runStatusOf } from '../helpers/runSummary';
import { sysevoApiRequest } from '../transport';
import { pause } from '../transport/backoff';

export interface WaitSettings {
	pollIntervalMs: number;
	maxWaitMs: number;
	requestTimeoutMs: number;
}

/** The options both operations share for requests and waiting (seconds, as the user sets them). */
export interface WaitOptions {
	pollIntervalSeconds?: number;
	maxWaitSeconds?: number;
	timeoutSeconds?: number;
}

export function waitSettingsOf(options: WaitOptions): WaitSettings {
	return {
		pollIntervalMs: (options.pollIntervalSeconds ?? 5) * 1000,
		maxWaitMs: (options.maxWaitSeconds ?? 600) * 1000,
		requestTimeoutMs: (options.timeoutSeconds ?? 30) * 1000,
	};
}

export interface WaitedRun {
	run: IDataObject;
	timedOut: boolean;
	polls: number;
}

// is_completed turns true before the transcript is uploaded (API notes §2.3, Timing).
const ARTIFACT_GRACE_MS = 60_000;
const ARTIFACT_POLL_MS = 2_000;

export async function fetchRun(
	this: IExecuteFunctions,
	workflowId: number,
	runId: number,
	itemIndex: number,
	limits: { timeoutMs: number; attempts?: number },
): Promise<IDataObject> {
	return await sysevoApiRequest.call(this, {
		method: 'GET',
		path: `/workflow/${workflowId}/runs/${runId}`,
		purpose: 'getRun',
		itemIndex,
		...limits,
	});
}

const MIN_POLL_TIMEOUT_MS = 1_000;

/** Network failures, 429s, 5xx answers and unreadable 2xx bodies: worth another poll. */
function isTransient(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	return !error.httpCode || status === 429 || status >= 500 || (status >= 200 && status < 300);
}

function awaitingTranscript(run: IDataObject): boolean {
	return run.is_completed === true && runStatusOf(run) === 'completed' && !run.transcript_url;
}

/**
 * Polls Get Run until the call has ended (and, for a connected call, its transcript is uploaded or
 * a short grace period has passed), or until the maximum wait. A read that keeps failing with a
 * transient error does not end the wait: the last known state is kept and polling goes on.
 */
export async function waitForRun(
	this: IExecuteFunctions,
	workflowId: number,
	runId: number,
	settings: WaitSettings,
	itemIndex: number,
	onCallEnded: () => void = () => {},
): Promise<WaitedRun> {
	const signal = this.getExecutionCancelSignal?.();
	const deadline = Date.now() + settings.maxWaitMs;
	let artifactDeadline: number | undefined;
	let run: IDataObject | undefined;
	let polls = 0;

	for (;;) {
		try {
			polls++;
			// One try per poll, never outlasting the wait: the loop itself repeats failed reads.
			const timeLeft = (artifactDeadline ?? deadline) - Date.now();
			const timeoutMs = Math.max(
				MIN_POLL_TIMEOUT_MS,
				Math.min(settings.requestTimeoutMs, timeLeft),
			);
			run = await fetchRun.call(this, workflowId, runId, itemIndex, { timeoutMs, attempts: 1 });
		} catch (error) {
			if (!isTransient(error) || (run === undefined && Date.now() >= deadline)) {
				throw new NodeApiError(this.getNode(), error as JsonObject);
			}
		}

		const now = Date.now();
		if (run?.is_completed === true) {
			onCallEnded();
			artifactDeadline ??= now + ARTIFACT_GRACE_MS;
			if (!awaitingTranscript(run) || now >= artifactDeadline)
				return { run, timedOut: false, polls };
		} else if (run && now >= deadline) {
			onCallEnded();
			return { run, timedOut: true, polls };
		}

		const interval =
			run?.is_completed === true
				? Math.min(settings.pollIntervalMs, ARTIFACT_POLL_MS)
				: settings.pollIntervalMs;
		const wait = Math.max(0, Math.min(interval, (artifactDeadline ?? deadline) - now));
		if (!(await pause(wait, signal))) {
			throw new NodeOperationError(
				this.getNode(),
				'Execution was canceled while waiting for the call to end',
				{
					itemIndex,
					description: `Run ${runId} was not changed; fetch it later with Get Run.`,
				},
			);
		}
	}
}
