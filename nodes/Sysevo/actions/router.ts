import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { AgentDirectory } from './agentDirectory';
import * as call from './call';

type Operation = 'trigger' | 'getRun';

const DEFAULT_PARALLEL_REQUESTS = 5;

function errorItem(error: Error, i: number): INodeExecutionData {
	const { description, httpCode } = error as { description?: string | null; httpCode?: string | null };
	return {
		json: { error: error.message, ...(description ? { description } : {}), ...(httpCode ? { http_code: httpCode } : {}) },
		pairedItem: { item: i },
	};
}

function asNodeError(context: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex: i });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const agents = new AgentDirectory(this);

	const runItem = async (i: number): Promise<INodeExecutionData[]> => {
		switch (operation) {
			case 'trigger':
				return await call.trigger.execute.call(this, i, agents);
			case 'getRun':
				return await call.getRun.execute.call(this, i);
			default:
				throw new NodeOperationError(this.getNode(), `The operation "${operation as string}" is not supported`);
		}
	};

	const continueOnFail = this.continueOnFail();
	const results = await runPool(items.length, DEFAULT_PARALLEL_REQUESTS, runItem, !continueOnFail);

	const output: INodeExecutionData[] = [];
	for (const [i, result] of results.entries()) {
		if (!result) continue;
		if (result.ok) {
			output.push(...result.value);
			continue;
		}
		const error = asNodeError(this, result.error, i);
		if (!continueOnFail) throw error;
		output.push(errorItem(error, i));
	}
	return [output];
}
