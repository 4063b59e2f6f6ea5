import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { RequestPurpose } from '../../nodes/shared/helpers/errors';
import { sysevoApiRequest } from '../../nodes/shared/transport';

/** A test-only node that sends one raw request through the Sysevo transport per item. */
export class ProbeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sysevo Probe',
		name: 'sysevoProbe',
		group: ['output'],
		version: 1,
		description: 'Sends raw requests through the Sysevo transport',
		defaults: { name: 'Sysevo Probe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sysevoApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			const request = item.json as {
				method: 'GET' | 'POST';
				path: string;
				purpose: RequestPurpose;
				body?: IDataObject;
				rateLimitWaitMs?: number;
			};
			const body = await sysevoApiRequest.call(this, { ...request, itemIndex: i });
			output.push({ json: body, pairedItem: { item: i } });
		}
		return [output];
	}
}
