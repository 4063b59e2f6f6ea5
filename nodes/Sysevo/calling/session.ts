import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { AgentDirectory } from './agentDirectory';
import { announceCallEnd, nextCallEnd } from './callEnds';
import { DEFAULT_MAX_CONCURRENT_CALLS, DEFAULT_TOOL_CALL_BUDGET } from '../../shared/defaults';
import { runsAsTool } from '../../shared/toolMode';
import { CREDENTIAL_NAME } from '../../shared/transport';
import { pause } from '../../shared/transport/backoff';
import { CallHistory } from './callHistory';
import { DialPacer } from './dialPacer';
import { NotCalledError } from './errors';
import { DialLedger } from './ledger';
import { retryAtCallLimit } from './rateLimit';
import { Semaphore } from './semaphore';
import { followUntilEnded, type RunRef, type WaitSettings } from './waitForRun';

export interface PacingOptions {
	maxConcurrentCalls?: number;
	/** Most dials of the node in one execution, across its runs; 0 means no limit. */
	maxCallsPerExecution?: number;
	delayBetweenCallsSeconds?: number;
	/** The option's old name and unit, still honoured for saved workflows. */
	delayBetweenCallsMs?: number;
}

function dialSpacingMs(pacing: PacingOptions): number {
	if (typeof pacing.delayBetweenCallsSeconds === 'number')
		return pacing.delayBetweenCallsSeconds * 1000;
	return pacing.delayBetweenCallsMs ?? 0;
}

/** Max Calls per Execution: the option (0 = no limit), else 5 as an AI tool, else no limit. */
export function callBudgetOf(pacing: PacingOptions, asTool: boolean): number | undefined {
	const limit = pacing.maxCallsPerExecution;
	if (typeof limit === 'number' && Number.isFinite(limit))
		return limit > 0 ? Math.floor(limit) : undefined;
	return asTool ? DEFAULT_TOOL_CALL_BUDGET : undefined;
}

/**
 * How an operation's items run side by side:
 * - `dial`: live calls are bounded by the session's call slots; a few more items stand ready;
 * - `dialAndWait`: the same, and items whose call ended still wait for its outcome;
 * - `wait`: items that each poll one run until it ends;
 * - `read`: single reads.
 */
export type Lane = 'dial' | 'dialAndWait' | 'wait' | 'read';

const PARALLEL_READS = 5;
/** How long the platform counts a leaked call against the cap (docs/sysevo-api.md §6.7). */
const STALE_CALL_MS = 1_200_000;
const PARALLEL_WAITS = 50;
// Dialling items beyond the live calls: the next ones, ready to dial, and with waiting the items
// whose call ended and that wait for its outcome. Not every item at once: each pending item is
// memory (docs/performance.md).
const READY_TO_DIAL = 10;
const WAITING_AFTER_CALL = 100;

/** A live-call slot held by one item's call. */
export interface CallSlot {
	/** Frees the slot. No call of it is known to have ended: none was placed, or it is not followed. */
	release(): void;
	/** The slot's call ended: frees the slot, and a row waiting at the organisation's cap may try. */
	releaseAtCallEnd(): void;
	releaseWhenEnded(ref: RunRef, settings: WaitSettings): void;
}

/** Items that were not dialled, by why. */
export type NotDialled =
	| 'ledgerResult'
	| 'ledgerMayHaveDialed'
	| 'skippedRecent'
	| 'budgetReached'
	| 'repeatedNumber'
	| 'outsideCallingHours';

type HintKind = 'ledger' | 'skipped' | 'budget' | 'repeated' | 'callingHours';

/**
 * Everything about calling that the items of one execution share: live-call slots, dial pacing,
 * how many items run at once, the call-limit policy, stopping the rest after a failure, and the
 * agent lookups. Operations get it as `execute(this, i, session)`.
 */
export class CallSession {
	readonly agents: AgentDirectory;
	/** Whether the node runs as an AI agent's tool (`shared/toolMode.ts`). */
	readonly asTool: boolean;
	/**
	 * Whether a failed item becomes an error row while the others go on. As an AI tool a failed
	 * item is a result the model reads and acts on; n8n 1.x would fail the whole execution on a
	 * thrown error (docs/ai-agent.md).
	 */
	readonly continueOnFail: boolean;
	/** Most dials of this node in this execution, across its runs; undefined when unlimited. */
	readonly callBudget: number | undefined;
	private readonly maxConcurrentCalls: number;
	private readonly callSlots: Semaphore;
	private readonly dialPacer: DialPacer;
	private readonly state = new Map<string, unknown>();
	private readonly notDialled: Record<NotDialled, number> = {
		ledgerResult: 0,
		ledgerMayHaveDialed: 0,
		skippedRecent: 0,
		budgetReached: 0,
		repeatedNumber: 0,
		outsideCallingHours: 0,
	};
	private readonly hints: Partial<Record<HintKind, NodeExecutionHint>> = {};
	private dialLedger?: DialLedger;
	private callHistory?: CallHistory;
	private stopReason?: string;
	private readonly finished = new AbortController();
	/** Whose concurrent-call cap this node's calls count against: its Sysevo credential. */
	private readonly capKey: string;

	constructor(
		private readonly context: IExecuteFunctions,
		pacing: PacingOptions,
	) {
		this.agents = new AgentDirectory(context);
		this.asTool = runsAsTool(context);
		this.continueOnFail = this.asTool || context.continueOnFail();
		this.callBudget = callBudgetOf(pacing, this.asTool);
		this.maxConcurrentCalls = pacing.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
		this.callSlots = new Semaphore(this.maxConcurrentCalls);
		const credential = context.getNode().credentials?.[CREDENTIAL_NAME];
		this.capKey = credential?.id ?? credential?.name ?? '';
		this.dialPacer = new DialPacer(dialSpacingMs(pacing), this.maxConcurrentCalls);
		context.getExecutionCancelSignal?.()?.addEventListener('abort', () => {
			this.stop('the execution was canceled');
			this.close();
		});
	}

	/** Items of this operation that may run at once. */
	lanes(lane: Lane, itemCount: number): number {
		if (lane === 'dial' || lane === 'dialAndWait') {
			const calls = (Math.floor(this.maxConcurrentCalls) || 1) + READY_TO_DIAL;
			return Math.min(itemCount, lane === 'dial' ? calls : calls + WAITING_AFTER_CALL);
		}
		return Math.min(itemCount, lane === 'wait' ? PARALLEL_WAITS : PARALLEL_READS);
	}

	/** State an operation keeps for the whole execution, created on first use. */
	shared<T>(key: string, create: () => T): T {
		if (!this.state.has(key)) this.state.set(key, create());
		return this.state.get(key) as T;
	}

	/** What earlier tries of this node in this execution dialled (Retry On Fail). */
	get ledger(): DialLedger {
		this.dialLedger ??= new DialLedger(this.context, this.asTool);
		return this.dialLedger;
	}

	/** Recent calls of an agent, and items of this execution that call the same number. */
	get history(): CallHistory {
		this.callHistory ??= new CallHistory(this.context);
		return this.callHistory;
	}

	/** Counts an item that was not dialled, for the execution hints. */
	noteNotDialled(why: NotDialled): void {
		this.notDialled[why] += 1;
		const {
			ledgerResult,
			ledgerMayHaveDialed,
			skippedRecent,
			budgetReached,
			repeatedNumber,
			outsideCallingHours,
		} = this.notDialled;
		if (why === 'outsideCallingHours') {
			this.updateHint(
				'callingHours',
				`${outsideCallingHours} item(s) were not dialled because it is outside Options → Calling Hours where the number is, or its time zone cannot be told (run_status "not_called"; next_call_at says when its window opens).`,
				'info',
			);
			return;
		}
		if (why === 'budgetReached') {
			this.updateHint(
				'budget',
				`${budgetReached} item(s) were not dialled because this node already placed ${this.callBudget} call(s) in this execution (Options → Max Calls per Execution; not_called_reason "call_budget_reached").`,
				'warning',
			);
			return;
		}
		if (why === 'repeatedNumber') {
			this.updateHint(
				'repeated',
				`${repeatedNumber} tool call(s) asked for a number this node had already called in this execution; they were not dialled again and returned the first call's result.`,
				'info',
			);
			return;
		}
		if (why === 'skippedRecent') {
			this.updateHint(
				'skipped',
				`${skippedRecent} item(s) were not dialled because this agent already called their number within Options → Skip If Called Within, or an earlier item of this run calls it (run_status "not_called", see not_called_detail and next_call_at).`,
				'info',
			);
			return;
		}
		const parts = [
			ledgerResult > 0 ? `${ledgerResult} returned the result of the call placed then` : '',
			ledgerMayHaveDialed > 0
				? `${ledgerMayHaveDialed} failed again because their call may have been placed then`
				: '',
		].filter(Boolean);
		this.updateHint(
			'ledger',
			`Retry On Fail: ${ledgerResult + ledgerMayHaveDialed} item(s) were already sent to Sysevo in an earlier try of this node and were not dialled again: ${parts.join('; ')}.`,
			'info',
		);
	}

	// A hint is added once and its text kept current: n8n reads a node's hints after it returns.
	private updateHint(which: HintKind, message: string, type: NodeExecutionHint['type']): void {
		const existing = this.hints[which];
		if (existing) {
			existing.message = message;
			return;
		}
		if (typeof this.context.addExecutionHints !== 'function') return;
		const hint: NodeExecutionHint = { message, type, location: 'outputPane' };
		this.hints[which] = hint;
		this.context.addExecutionHints(hint);
	}

	/**
	 * Waits for a live-call slot. `release()` frees it (again does nothing); `releaseAtCallEnd()`
	 * frees it for a call seen to end, which wakes the row that has waited longest at the cap
	 * (`callEnds.ts`): only a call end frees a place there. `releaseWhenEnded` keeps the slot for a
	 * call that outlived Max Wait, following the run until the call ends or the node finishes
	 * (`close`).
	 */
	async holdCallSlot(itemIndex: number): Promise<CallSlot> {
		this.throwIfStopped(itemIndex);
		let free: () => void;
		try {
			free = await this.callSlots.acquire();
		} catch {
			throw this.notCalled(itemIndex);
		}
		const heldSince = Date.now();
		let held = true;
		let kept = false;
		const release = (callEnded: boolean) => {
			if (!held) return;
			held = false;
			free();
			if (callEnded) announceCallEnd(this.capKey);
		};
		return {
			release: () => {
				if (!kept) release(false);
			},
			releaseAtCallEnd: () => {
				if (!kept) release(true);
			},
			releaseWhenEnded: (ref, settings) => {
				kept = true;
				// The platform stops counting a call against the organisation's cap after its stale
				// timeout, 1200 s (docs/sysevo-api.md §6.7); the node does not hold the slot longer either.
				const stale = AbortSignal.any([
					this.finished.signal,
					AbortSignal.timeout(Math.max(0, heldSince + STALE_CALL_MS - Date.now())),
				]);
				// Ended, stale (no longer counted) or no longer readable; not when the node finished first.
				void followUntilEnded(this.context, ref, settings, stale).finally(() =>
					release(!this.finished.signal.aborted),
				);
			},
		};
	}

	/**
	 * The node has finished: calls still followed for their slot are no longer waited for, and the
	 * dial ledger's entries of this run may end once idle.
	 */
	close(): void {
		this.finished.abort();
		this.dialLedger?.close();
	}

	/**
	 * Sends one trigger in its turn: after the dial spacing, unless the node has stopped, and again
	 * while Sysevo's concurrent-call cap answers 429 (for at most `callLimitWaitMs`).
	 */
	async dial<T>(itemIndex: number, send: () => Promise<T>, callLimitWaitMs: number): Promise<T> {
		const signal = this.context.getExecutionCancelSignal?.();
		if (!(await pause(this.dialPacer.reserve(), signal))) throw this.notCalled(itemIndex);
		this.throwIfStopped(itemIndex);
		return await retryAtCallLimit(
			async () => {
				const sentAt = Date.now();
				const answer = await send();
				this.dialPacer.answered(Date.now() - sentAt);
				return answer;
			},
			{
				budgetMs: callLimitWaitMs,
				signal,
				nextCallEnd: () => nextCallEnd(this.capKey),
				stopped: () => this.stopReason !== undefined,
				onCancelled: () => this.notCalled(itemIndex),
			},
		);
	}

	/**
	 * An item failed: without Continue On Fail the items not yet sent are not dialled. Called before
	 * the failed item frees its call slot, so the item that takes the slot next does not dial.
	 */
	itemFailed(): void {
		if (!this.continueOnFail) this.stop('another item failed and the node stopped');
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
