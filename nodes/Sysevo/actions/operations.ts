import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { CallSession, Lane } from '../calling/session';
import type { OutputRow } from './finishRows';
import * as call from './call';
import * as number from './number';

/** What every operation module exports besides its `description`. */
export interface Operation {
	execute(this: IExecuteFunctions, i: number, session: CallSession): Promise<INodeExecutionData[]>;
	/**
	 * Shapes the whole execution's output once every item has finished: its rows in input order,
	 * each marked failed or not (a failed row with its error, e.g. to add what the item was about).
	 * Returns one row for each row given, in the same order.
	 */
	finalize?(this: IExecuteFunctions, rows: OutputRow[]): OutputRow[];
}

/** An operation, and how its items run side by side (with Wait for Call to End on, `waiting`). */
interface Entry {
	operation: Operation;
	lane: Lane;
	waiting?: Lane;
}

const OPERATIONS: Record<string, Record<string, Entry>> = {
	call: {
		trigger: { operation: call.trigger, lane: 'dial', waiting: 'dialAndWait' },
		getRun: { operation: call.getRun, lane: 'read', waiting: 'wait' },
		getMany: { operation: call.getMany, lane: 'read' },
	},
	number: { validate: { operation: number.validate, lane: 'read' } },
};

/** The chosen operation, and its items' lane for this execution (read once, from item 0). */
export function operationOf(context: IExecuteFunctions): { operation: Operation; lane: Lane } {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const found = OPERATIONS[resource]?.[operation];
	if (!found) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	const { waiting } = found;
	const waits = waiting && context.getNodeParameter('waitForCompletion', 0, false);
	return { operation: found.operation, lane: waits ? waiting : found.lane };
}
