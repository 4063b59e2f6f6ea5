import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { waitForRun, waitSettingsOf, type WaitOptions } from '../../calling/waitForRun';
import { checkPositiveInteger } from '../../../shared/helpers/identifiers';
import { sortedByName } from '../../../shared/helpers/sortedByName';
import {
	maxWaitOption,
	optionalWorkflowIdLocator,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	waitForCompletionProperty,
	waitingOutcomeSettleOption,
} from '../descriptions';
import { runItem, type OutputOptions } from '../../../shared/runOutput';
import { finalizeRunItems, withFailedItemFields, type OutputRow } from '../finishRows';
import { getRun } from '../../../shared/transport/api';

const properties: INodeProperties[] = [
	{
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		default: '={{ $json.workflow_run_id }}',
		required: true,
		placeholder: 'e.g. 48213',
		description: 'The workflow_run_id returned by Trigger Call',
	},
	optionalWorkflowIdLocator,
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
			waitingOutcomeSettleOption,
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
				'Connect Get Run after Trigger Call, or map the workflow_run_id field of an earlier call',
		});
	}
	return check.value;
}

/** The platform ignores the agent of a run lookup (docs/sysevo-api.md §6.13): 0 stands in for none. */
function agentIdParameterOf(context: IExecuteFunctions, i: number): number {
	const value = context.getNodeParameter('workflowId', i, '', { extractValue: true });
	const check = checkPositiveInteger(value, 'agent ID');
	return check.valid ? check.value : 0;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const runId = idOf(this, i, this.getNodeParameter('runId', i), 'run ID');
	const workflowId = agentIdParameterOf(this, i);
	const waiting = this.getNodeParameter('waitForCompletion', i, false) as boolean;
	const options = this.getNodeParameter('options', i, {}) as GetRunOptions;

	const settings = waitSettingsOf(options);
	if (!waiting) {
		const run = await getRun.call(this, workflowId, runId, {
			timeoutMs: settings.requestTimeoutMs,
			itemIndex: i,
		});
		return [await runItem.call(this, run, options, i)];
	}
	const waited = await waitForRun.call(this, { workflowId, runId, itemIndex: i }, settings);
	return [await runItem.call(this, waited.run, options, i, { wait: waited })];
}

/** An error row names the run it was about. */
function failedItemFields(context: IExecuteFunctions, i: number): IDataObject {
	const check = checkPositiveInteger(context.getNodeParameter('runId', i, ''), 'run ID');
	return { workflow_run_id: check.valid ? check.value : null };
}

export function finalize(this: IExecuteFunctions, rows: OutputRow[]): OutputRow[] {
	return finalizeRunItems.call(this, withFailedItemFields(this, rows, failedItemFields));
}
