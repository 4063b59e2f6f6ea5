import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { CallSession, Lane } from '../calling/session';
import * as call from './call';

/** What every operation module exports besides its `description`. */
export interface Operation {
	execute(this: IExecuteFunctions, i: number, session: CallSession): Promise<INodeExecutionData[]>;
	/** How its items run side by side (read once per execution). */
	lane(this: IExecuteFunctions): Lane;
}

const OPERATIONS: Record<string, Record<string, Operation>> = {
	call: { trigger: call.trigger, getRun: call.getRun },
};

export function operationOf(context: IExecuteFunctions): Operation {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const found = OPERATIONS[resource]?.[operation];
	if (!found) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	return found;
}
