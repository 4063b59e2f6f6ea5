import type { IExecuteFunctions } from 'n8n-workflow';

import { AgentDirectory } from '../shared/agentDirectory';
import { pause } from '../transport/backoff';
import { DialPacer } from './dialPacer';
import { NotCalledError } from './errors';
import { retryAtCallLimit } from './rateLimit';
import { Semaphore } from './semaphore';

export interface PacingOptions {
	maxConcurrentCalls?: number;
	delayBetweenCallsSeconds?: number;
	/** The option's old name and unit, still honoured for saved workflows. */
	delayBetweenCallsMs?: number;
}

function dialSpacingMs(pacing: PacingOptions): number {
	if (typeof pacing.delayBetweenCallsSeconds === 'number')
		return pacing.delayBetweenCallsSeconds * 1000;
	return pacing.delayBetweenCallsMs ?? 0;
}

export const DEFAULT_MAX_CONCURRENT_CALLS = 5;

/**
 * How an operation's items run side by side:
 * - `dial`: every item may start; live calls are bounded by the session's call slots;
 * - `wait`: items that each poll one run until it ends;
 * - `read`: single reads.
 */
export type Lane = 'dial' | 'wait' | 'read';

const PARALLEL_READS = 5;
const PARALLEL_WAITS = 50;

/**
 * Everything about calling that the items of one execution share: live-call slots, dial pacing,
 * how many items run at once, the call-limit policy, stopping the rest after a failure, and the
 * agent lookups. Operations get it as `execute(this, i, session)`.
 */
export class CallSession {
	readonly agents: AgentDirectory;
	private readonly callSlots: Semaphore;
	private readonly dialPacer: DialPacer;
	private readonly state = new Map<string, unknown>();
	private stopReason?: string;

	constructor(
		private readonly context: IExecuteFunctions,
		pacing: PacingOptions,
	) {
		this.agents = new AgentDirectory(context);
		const maxConcurrentCalls = pacing.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
		this.callSlots = new Semaphore(maxConcurrentCalls);
		this.dialPacer = new DialPacer(dialSpacingMs(pacing), maxConcurrentCalls);
		context
			.getExecutionCancelSignal?.()
			?.addEventListener('abort', () => this.stop('the execution was canceled'));
	}

	/** Items of this operation that may run at once. */
	lanes(lane: Lane, itemCount: number): number {
		if (lane === 'dial') return itemCount;
		return Math.min(itemCount, lane === 'wait' ? PARALLEL_WAITS : PARALLEL_READS);
	}

	/** State an operation keeps for the whole execution, created on first use. */
	shared<T>(key: string, create: () => T): T {
		if (!this.state.has(key)) this.state.set(key, create());
		return this.state.get(key) as T;
	}

	/** Waits for a live-call slot; the returned function frees it (calling it again does nothing). */
	async holdCallSlot(itemIndex: number): Promise<() => void> {
		this.throwIfStopped(itemIndex);
		try {
			return await this.callSlots.acquire();
		} catch {
			throw this.notCalled(itemIndex);
		}
	}

	/**
	 * Sends one trigger in its turn: after the dial spacing, unless the node has stopped, and again
	 * while Sysevo's concurrent-call cap answers 429 (for at most `callLimitWaitMs`).
	 */
	async dial<T>(itemIndex: number, send: () => Promise<T>, callLimitWaitMs: number): Promise<T> {
		const signal = this.context.getExecutionCancelSignal?.();
		if (!(await pause(this.dialPacer.reserve(), signal))) throw this.notCalled(itemIndex);
		this.throwIfStopped(itemIndex);
		return await retryAtCallLimit(send, callLimitWaitMs, signal, () => this.notCalled(itemIndex));
	}

	/** Items not yet sent are not dialled after this; calls already placed go on. */
	stop(reason: string): void {
		this.stopReason ??= reason;
		this.callSlots.close(this.notCalled());
	}

	isNotCalled(error: unknown): error is NotCalledError {
		return error instanceof NotCalledError;
	}

	private throwIfStopped(itemIndex: number): void {
		if (this.stopReason !== undefined) throw this.notCalled(itemIndex);
	}

	private notCalled(itemIndex?: number): NotCalledError {
		return new NotCalledError(
			this.context.getNode(),
			this.stopReason ?? 'the execution was canceled',
			itemIndex,
		);
	}
}
