import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { DialPacer, Semaphore } from '../helpers/semaphore';
import { AgentDirectory } from './agentDirectory';

export interface PacingOptions {
	maxConcurrentCalls?: number;
	delayBetweenCallsMs?: number;
}

export const DEFAULT_MAX_CONCURRENT_CALLS = 5;

/** State shared by the items of one execution: agent lookups, live-call slots, dial spacing. */
export class CallSession {
	readonly agents: AgentDirectory;
	readonly callSlots: Semaphore;
	readonly dialPacer: DialPacer;

	constructor(
		private readonly context: IExecuteFunctions,
		pacing: PacingOptions,
	) {
		this.agents = new AgentDirectory(context);
		const maxConcurrentCalls = pacing.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
		this.callSlots = new Semaphore(maxConcurrentCalls);
		this.dialPacer = new DialPacer(pacing.delayBetweenCallsMs ?? 0, maxConcurrentCalls);
		context
			.getExecutionCancelSignal?.()
			?.addEventListener('abort', () => this.stop('the execution was canceled'));
	}

	private stoppedWith?: NodeOperationError;

	/** Items still waiting for a call slot are not dialled after this. */
	stop(reason: string): void {
		this.stoppedWith ??= new NodeOperationError(this.context.getNode(), `Not called: ${reason}`, {
			description: 'This item was still waiting for its turn, so no call was placed for it.',
		});
		this.callSlots.close(this.stoppedWith);
	}

	throwIfStopped(itemIndex: number): void {
		if (!this.stoppedWith) return;
		throw new NodeOperationError(this.context.getNode(), this.stoppedWith.message, {
			itemIndex,
			description: this.stoppedWith.description ?? undefined,
		});
	}

	isStopError(error: unknown): boolean {
		return (
			error instanceof Error &&
			this.stoppedWith !== undefined &&
			error.message === this.stoppedWith.message
		);
	}
}
