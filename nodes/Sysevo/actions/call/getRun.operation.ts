import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkPositiveInteger } from '../../helpers/identifiers';
import {
	maxWaitOption,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	sortedByName,
	waitForCompletionProperty,
	workflowIdLocator,
} from '../descriptions';
import { runOutput, type OutputOptions } from '../runOutput';
import { fetchRun, waitForRun, waitSettingsOf, type WaitOptions } from '../waitForRun';

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
	waitForCompletionProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedByName([
			pollIntervalOption,
			maxWaitOption,
			requestTimeoutOption,
			...runResultOptions(false),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['getRun'] } },
	properties,
);

type GetRunOptions = OutputOptions & WaitOptions;

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
	const workflowId = idOf(
		this,
		i,
		this.getNodeParameter('workflowId', i, '', { extractValue: true }),
		'agent ID',
	);
	const runId = idOf(this, i, this.getNodeParameter('runId', i), 'run ID');
	const waiting = this.getNodeParameter('waitForCompletion', i, false) as boolean;
	const options = this.getNodeParameter('options', i, {}) as GetRunOptions;

	const settings = waitSettingsOf(options);
	if (!waiting) {
		// The API finds the run by run id and the key's organisation; workflow_id is parsed but not checked.
		const run = await fetchRun.call(this, workflowId, runId, i, {
			timeoutMs: settings.requestTimeoutMs,
		});
		return [{ json: await runOutput.call(this, run, options), pairedItem: { item: i } }];
	}
	const waited = await waitForRun.call(this, workflowId, runId, settings, i);
	return [
		{ json: await runOutput.call(this, waited.run, options, waited), pairedItem: { item: i } },
	];
}
