import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_OUTCOME_SETTLE_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
	TRANSCRIPT_GRACE_MS,
} from '../../shared/defaults';
import { outcomeSettled, runStatusOf, wasAnswered } from '../../shared/helpers/runSummary';
import { settled } from '../../shared/helpers/settled';
import { getRun } from '../../shared/transport/api';
import { pause } from '../../shared/transport/backoff';

export interface WaitSettings {
	pollIntervalMs: number;
	maxWaitMs: number;
	requestTimeoutMs: number;
	outcomeSettleMs: number;
	/** Wait briefly for the transcript after the outcome: only when the output uses it. */
	awaitTranscript: boolean;
}

/** The options both operations share for requests and waiting (seconds, as the user sets them). */
export interface WaitOptions {
	pollIntervalSeconds?: number;
	maxWaitSeconds?: number;
	timeoutSeconds?: number;
	outcomeSettleSeconds?: number;
	includeTranscript?: boolean;
	downloadRecording?: boolean;
}

export function waitSettingsOf(options: WaitOptions): WaitSettings {
	return {
		pollIntervalMs: (options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
		maxWaitMs: (options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
		requestTimeoutMs: (options.timeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
		outcomeSettleMs: (options.outcomeSettleSeconds ?? DEFAULT_OUTCOME_SETTLE_SECONDS) * 1000,
		awaitTranscript: options.includeTranscript === true || options.downloadRecording === true,
	};
}

export interface WaitedRun {
	run: IDataObject;
	timedOut: boolean;
	outcomeSettled: boolean;
}

const AFTER_END_POLL_MS = 2_000;
const MIN_POLL_TIMEOUT_MS = 1_000;

export interface RunRef {
	workflowId: number;
	runId: number;
	itemIndex: number;
}

/** Network failures, 429s, 5xx answers and unreadable 2xx bodies: worth another poll. */
function isTransient(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	return !error.httpCode || status === 429 || status >= 500 || (status >= 200 && status < 300);
}

function awaitingTranscript(run: IDataObject): boolean {
	return wasAnswered(runStatusOf(run)) && !run.transcript_url;
}

/**
 * Polls Get Run until `done(run)` or the deadline, and returns the last run read. A read that keeps
 * failing with a transient error does not end the wait: the last known state is kept.
 */
async function pollUntil(
	context: IExecuteFunctions,
	ref: RunRef,
	settings: WaitSettings,
	done: (run: IDataObject) => boolean,
	deadline: number,
	intervalMs: number,
	known?: IDataObject,
): Promise<{ run: IDataObject; reached: boolean }> {
	const signal = context.getExecutionCancelSignal?.();
	let run = known;
	let readStartedAt = Date.now();
	for (let first = known === undefined; ; first = false) {
		if (run && done(run)) return { run, reached: true };
		if (run && Date.now() >= deadline) return { run, reached: false };
		if (!first) {
			// The interval counts from the start of the last read, so a slow answer does not add to
			// it (a call's end is seen sooner); reads are still never closer than the interval.
			const sinceRead = Date.now() - readStartedAt;
			const pace = Math.max(intervalMs / 2, intervalMs - sinceRead);
			const wait = Math.max(0, Math.min(pace, deadline - Date.now()));
			if (!(await pause(wait, signal))) {
				throw new NodeOperationError(
					context.getNode(),
					'Execution was canceled while waiting for the call to end',
					{
						itemIndex: ref.itemIndex,
						description: `Run ${ref.runId} was not changed; fetch it later with Get Run.`,
					},
				);
			}
		}
		// One try per poll, never outlasting the wait: the loop itself repeats failed reads.
		const timeoutMs = Math.max(
			MIN_POLL_TIMEOUT_MS,
			Math.min(settings.requestTimeoutMs, deadline - Date.now()),
		);
		readStartedAt = Date.now();
		const read = await settled(
			getRun.call(context, ref.workflowId, ref.runId, {
				timeoutMs,
				attempts: 1,
				itemIndex: ref.itemIndex,
			}),
		);
		if (read.ok) run = read.value;
		else if (!isTransient(read.error) || (run === undefined && Date.now() >= deadline))
			throw read.error;
	}
}

/** Polls the run until the call ends (`ended`), or until Max Wait with the call still live. */
export async function waitForCallEnd(
	this: IExecuteFunctions,
	ref: RunRef,
	settings: WaitSettings,
): Promise<{ run: IDataObject; ended: boolean }> {
	const polled = await pollUntil(
		this,
		ref,
		settings,
		(run) => run.is_completed === true,
		Date.now() + settings.maxWaitMs,
		settings.pollIntervalMs,
	);
	return { run: polled.run, ended: polled.reached };
}

/**
 * After the call ended: waits for its outcome to be written (up to the settle time) and, when the
 * output uses it, for a connected call's transcript (a short grace).
 */
export async function waitForOutcome(
	this: IExecuteFunctions,
	ref: RunRef,
	settings: WaitSettings,
	endedRun: IDataObject,
): Promise<WaitedRun> {
	const afterEndMs = Math.min(settings.pollIntervalMs, AFTER_END_POLL_MS);
	const settled = await pollUntil(
		this,
		ref,
		settings,
		outcomeSettled,
		Date.now() + settings.outcomeSettleMs,
		afterEndMs,
		endedRun,
	);
	if (!settled.reached) return { run: settled.run, timedOut: false, outcomeSettled: false };
	if (!settings.awaitTranscript) return { run: settled.run, timedOut: false, outcomeSettled: true };

	const withTranscript = await pollUntil(
		this,
		ref,
		settings,
		(run) => !awaitingTranscript(run),
		Date.now() + TRANSCRIPT_GRACE_MS,
		afterEndMs,
		settled.run,
	);
	return { run: withTranscript.run, timedOut: false, outcomeSettled: true };
}

/** Waits for a call to end, then for its outcome (see `waitForOutcome`). */
export async function waitForRun(
	this: IExecuteFunctions,
	ref: RunRef,
	settings: WaitSettings,
): Promise<WaitedRun> {
	const end = await waitForCallEnd.call(this, ref, settings);
	if (!end.ended) return { run: end.run, timedOut: true, outcomeSettled: false };
	return await waitForOutcome.call(this, ref, settings, end.run);
}

/**
 * Follows a call that outlived Max Wait until it ends, so its live-call slot stays taken while it
 * is live. Returns when the call ends, when its run can no longer be read, or when `signal`
 * aborts (the node has finished); it never throws.
 */
export async function followUntilEnded(
	context: IExecuteFunctions,
	ref: RunRef,
	settings: WaitSettings,
	signal: AbortSignal,
): Promise<void> {
	while (await pause(settings.pollIntervalMs, signal)) {
		const read = await settled(
			getRun.call(context, ref.workflowId, ref.runId, {
				timeoutMs: settings.requestTimeoutMs,
				attempts: 1,
				itemIndex: ref.itemIndex,
			}),
		);
		if (read.ok ? read.value.is_completed === true : !isTransient(read.error)) return;
	}
}
