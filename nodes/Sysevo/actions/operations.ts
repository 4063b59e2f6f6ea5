import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { CallSession, Lane } from '../calling/session';
import type { OutputRow } from './finishRows';
import * as call from './call';
import * as number from './number';

/** What every operation module exports besides its `description`. */
export interface Operation {
	execute(this: IExecuteFunctions, i: number, session: CallSession): Promise<INodeExecutionData[]>;
	/** How its items run side by side (read once per execution). */
	lane(this: IExecuteFunctions): Lane;
	/**
	 * What the operation knows about item `i` that failed (e.g. the number it was to call), added
	 * to the item's error row under Continue On Fail.
	 */
	failedItemFields?(this: IExecuteFunctions, i: number, error: Error): IDataObject;
	/**
	 * Shapes the whole execution's output once every item has finished: its rows in input order,
	 * each marked failed or not. Returns one row for each row given, in the same order.
	 */
	finalize?(this: IExecuteFunctions, rows: OutputRow[]): OutputRow[];
}

const OPERATIONS: Record<string, Record<string, Operation>> = {
	call: { trigger: call.trigger, getRun: call.getRun, getMany: call.getMany },
	number: { validate: number.validate },
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
