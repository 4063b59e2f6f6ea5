import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkPositiveInteger } from '../../helpers/identifiers';
import { summariseRun } from '../../helpers/runSummary';
import { sysevoApiRequest } from '../../transport';
import { workflowIdLocator } from '../descriptions';

const properties: INodeProperties[] = [
	workflowIdLocator,
	{
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		default: '={{ $json.workflow_run_id }}',
		required: true,
		placeholder: 'e.g. 48213',
		description: 'The workflow_run_id returned by Trigger Call',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['getRun'] } }, properties);

function idOf(context: IExecuteFunctions, i: number, value: unknown, label: string): number {
	const check = checkPositiveInteger(value, label);
	if (!check.valid) {
		throw new NodeOperationError(context.getNode(), check.reason, {
			itemIndex: i,
			description:
				'Connect Get Run after Trigger Call, or map the workflow_id and workflow_run_id fields of an earlier call',
		});
	}
	return check.value;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const workflowId = idOf(this, i, this.getNodeParameter('workflowId', i, '', { extractValue: true }), 'agent ID');
	const runId = idOf(this, i, this.getNodeParameter('runId', i), 'run ID');

	// The API finds the run by run id and the key's organisation; workflow_id is parsed but not checked.
	const run = await sysevoApiRequest.call(this, {
		method: 'GET',
		path: `/workflow/${workflowId}/runs/${runId}`,
		purpose: 'getRun',
		itemIndex: i,
	});
	return [{ json: { ...run, ...summariseRun(run) }, pairedItem: { item: i } }];
}
