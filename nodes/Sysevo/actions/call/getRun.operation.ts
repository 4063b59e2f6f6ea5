import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { Lane } from '../../calling/session';
import { waitForRun, waitSettingsOf, type WaitOptions } from '../../calling/waitForRun';
import { checkPositiveInteger } from '../../helpers/identifiers';
import {
	maxWaitOption,
	outcomeSettleOption,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	sortedByName,
	waitForCompletionProperty,
	workflowIdLocator,
} from '../../shared/descriptions';
import { runOutput, type OutputOptions } from '../../shared/runOutput';
import { getRun } from '../../transport/api';

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
			outcomeSettleOption,
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

export function lane(this: IExecuteFunctions): Lane {
	return this.getNodeParameter('waitForCompletion', 0, false) ? 'wait' : 'read';
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
		const run = await getRun.call(this, workflowId, runId, {
			timeoutMs: settings.requestTimeoutMs,
			itemIndex: i,
		});
		return [{ json: await runOutput.call(this, run, options), pairedItem: { item: i } }];
	}
	const waited = await waitForRun.call(this, { workflowId, runId, itemIndex: i }, settings);
	return [
		{ json: await runOutput.call(this, waited.run, options, waited), pairedItem: { item: i } },
	];
}
