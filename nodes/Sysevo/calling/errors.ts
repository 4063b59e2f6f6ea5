import { NodeOperationError, type INode } from 'n8n-workflow';

/**
 * An item that was never sent to Sysevo because the node stopped before its turn: another item
 * failed without Continue On Fail, or the execution was cancelled. Retrying it cannot dial twice.
 */
export class NotCalledError extends NodeOperationError {
	constructor(node: INode, reason: string, itemIndex?: number) {
		super(node, `Not called: ${reason}`, {
			itemIndex,
			description: 'This item was still waiting for its turn, so no call was placed for it.',
		});
	}
}
