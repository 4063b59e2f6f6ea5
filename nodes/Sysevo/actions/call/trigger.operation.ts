import {
	sleep,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { TriggerOptions, TriggerPlan } from '../../calling/callPlan';
import { placeCall } from '../../calling/placeCall';
import type { CallSession } from '../../calling/session';
import {
	agentLocator,
	allowedCountriesOption,
	blockPremiumNumbersOption,
	callingHoursOptions,
	defaultCountryOption,
	maxWaitOption,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	waitForCompletionProperty,
	waitingOutcomeSettleOption,
} from '../descriptions';
import {
	DEFAULT_CALL_LIMIT_WAIT_SECONDS,
	DEFAULT_MAX_CONCURRENT_CALLS,
	DEFAULT_TOOL_CALL_BUDGET,
} from '../../../shared/defaults';
import { finalizeRunItems, withFailedItemFields, type OutputRow } from '../finishRows';
import { itemFacts, parameterReader, triggerPlanOf } from './triggerPlan';

const maxConcurrentCallsOption: INodeProperties = {
	displayName: 'Max Concurrent Calls',
	name: 'maxConcurrentCalls',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_CONCURRENT_CALLS,
	description:
		"With Wait for Call to End on: the most calls this node has live at once; the next item is dialled when a call ends (a call still live at Max Wait keeps its place until it ends). Without waiting: the most call requests in flight at once, since the node does not follow the calls. Across executions and workflows, your organisation's concurrent call limit (10 unless Sysevo raised it) bounds live calls.",
};

const maxCallsPerExecutionOption: INodeProperties = {
	displayName: 'Max Calls per Execution',
	name: 'maxCallsPerExecution',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_TOOL_CALL_BUDGET,
	description:
		'Most calls this node places in one execution, counted across all its items and, as an AI agent\'s tool, across all the agent\'s tool calls. Items over it are not dialled (run_status "not_called", not_called_reason "call_budget_reached"). 0 means no limit. Unset: 5 as an AI tool, no limit in a workflow.',
};

const telephonyConfigurationOption: INodeProperties = {
	displayName: 'Telephony Configuration Name or ID',
	name: 'telephonyConfigurationId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getTelephonyConfigurations' },
	default: 0,
	description:
		'The telephony configuration (provider and caller numbers) to call from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

const callerNumberOption: INodeProperties = {
	displayName: 'Caller Number ID',
	name: 'fromPhoneNumberId',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		"ID of the caller number to call from, one of the telephony configuration's numbers (Sysevo → Telephony → Phone Numbers). 0 uses the configuration's default caller number. Needs Sysevo 1.44 or later.",
};

const delayBetweenCallsOption: INodeProperties = {
	displayName: 'Delay Between Calls (Seconds)',
	name: 'delayBetweenCallsSeconds',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 1 },
	default: 0,
	description: 'Least time between two dials',
};

const callLimitWaitOption: INodeProperties = {
	displayName: 'Max Wait at Call Limit (Seconds)',
	name: 'callLimitWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_CALL_LIMIT_WAIT_SECONDS,
	description:
		'When Sysevo answers that too many calls are live (no call is placed then), how long to keep retrying before the item fails',
};

const skipIfCalledWithinOption: INodeProperties = {
	displayName: 'Skip If Called Within (Hours)',
	name: 'skipIfCalledWithinHours',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'Don\'t dial a number this agent called within this many hours (checked in the agent\'s run list once per execution), nor a number an earlier item of the same execution calls. Such an item is not dialled and comes out with run_status "not_called" (on the Not Called output with Route by Outcome) and next_call_at. 0 turns the check off.',
};

// Saved by workflows before Delay Between Calls (Seconds) replaced it; kept (hidden) so n8n
// keeps their value, which still applies when the seconds option is not set.
const legacyDelayBetweenCallsMsOption: INodeProperties = {
	displayName: 'Delay Between Calls (Ms)',
	name: 'delayBetweenCallsMs',
	type: 'hidden',
	default: 0,
};

const properties: INodeProperties[] = [
	{
		displayName: 'Identify Agent By',
		name: 'agentIdType',
		type: 'options',
		noDataExpression: true,
		default: 'workflowUuid',
		options: [
			{
				name: 'Agent (Workflow UUID)',
				value: 'workflowUuid',
				description: 'Pick the agent from a list, or paste its Agent UUID from Sysevo',
			},
			{
				name: 'API Trigger UUID',
				value: 'triggerUuid',
				description: 'Paste the path of an API Trigger node on the agent canvas',
			},
		],
		description:
			'The two identifiers are not interchangeable: the workflow UUID identifies the agent itself (its "Agent UUID" in Sysevo), while an API Trigger UUID is the path of one API Trigger node inside the agent',
	},
	{ ...agentLocator, displayOptions: { show: { agentIdType: ['workflowUuid'] } } },
	{
		displayName: 'API Trigger UUID',
		name: 'triggerUuid',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5d1e7c3a-2b4f-4e8a-9c1d-0a2b3c4d5e6f',
		description:
			"The trigger path shown on the API Trigger node in the Sysevo agent builder (not the agent's workflow UUID)",
		displayOptions: { show: { agentIdType: ['triggerUuid'] } },
	},
	{
		displayName: 'Use Draft Version',
		name: 'useDraft',
		type: 'boolean',
		default: false,
		description:
			'Whether to run the latest draft of the agent instead of its published version (falls back to the published version when there is no draft)',
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +14155552671',
		description:
			'Number to call, in international format, or in national format with Options → Default Country set',
	},
	{
		displayName: 'Initial Context',
		name: 'contextInput',
		type: 'options',
		default: 'keyValue',
		options: [
			{ name: 'Key-Value Pairs', value: 'keyValue' },
			{ name: 'JSON', value: 'json' },
		],
		description:
			"Data the agent can use in its prompts as {{key}}, such as the customer's name or an appointment time",
	},
	{
		displayName: 'Context Values',
		name: 'initialContext',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Value',
		displayOptions: { show: { contextInput: ['keyValue'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: 'e.g. customer_name',
						description: "Name the agent's prompt uses, as {{customer_name}}",
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. Jane Smith',
					},
				],
			},
		],
	},
	{
		displayName: 'Context JSON',
		name: 'initialContextJson',
		type: 'json',
		default: '{}',
		displayOptions: { show: { contextInput: ['json'] } },
		description: 'A JSON object; nested objects are allowed and can be used as {{user.name}}',
	},
	waitForCompletionProperty,
	{
		displayName:
			'Retry On Fail (node Settings) never dials a person twice: on a retry, items already dialled return their earlier result, items whose call may have been placed fail again, and only items never sent are dialled',
		name: 'retryOnFailNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// Grouped, not alphabetical (n8n shows them in this order): the options most calls need
		// come first, then what applies once a call is waited for, then the caller line, then
		// tuning. Every duration is in seconds.
		options: [
			defaultCountryOption,
			allowedCountriesOption,
			...callingHoursOptions,
			maxConcurrentCallsOption,
			maxCallsPerExecutionOption,
			maxWaitOption,
			pollIntervalOption,
			waitingOutcomeSettleOption,
			...runResultOptions(true),
			telephonyConfigurationOption,
			callerNumberOption,
			blockPremiumNumbersOption,
			delayBetweenCallsOption,
			callLimitWaitOption,
			skipIfCalledWithinOption,
			requestTimeoutOption,
			legacyDelayBetweenCallsMsOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['trigger'] } },
	properties,
);

/**
 * Reads and checks item i, once its turn has started (execute). Turns start in input order and
 * the timers of equal delays fire in the order they were set, so with Skip If Called Within each
 * item claims its number in input order: of two items calling the same number the first one dials.
 */
function planOf(context: IExecuteFunctions, i: number, session: CallSession): TriggerPlan {
	const read = session.shared('triggerParameters', () => parameterReader(context));
	const plan = triggerPlanOf.call(context, i, read);
	if (plan.skipHours > 0) session.history.claim(plan.target.identifier, plan.e164, i);
	return plan;
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
): Promise<INodeExecutionData[]> {
	// The item is read in a timer of its own, after the answers already waiting are handled: the
	// session runs more items than call slots (CallSession.lanes), so the next ones are read while
	// calls are in flight, without holding back the response of one (docs/performance.md).
	await sleep(0);
	const result = await placeCall.call(this, i, session, planOf(this, i, session));
	if (result.kind === 'failed') throw result.error;
	return [result.kind === 'placed' ? result.item : { json: result.json, pairedItem: { item: i } }];
}

/** An error row carries the number and context of its item, and the run when one was placed. */
function failedItemFields(context: IExecuteFunctions, i: number, error: Error): IDataObject {
	const runId = (error as { context?: IDataObject }).context?.workflow_run_id;
	return { ...(runId ? { workflow_run_id: runId } : {}), ...itemFacts.call(context, i) };
}

export function finalize(this: IExecuteFunctions, outputRows: OutputRow[]): OutputRow[] {
	const rows = withFailedItemFields(this, outputRows, failedItemFields);
	if (!this.getNodeParameter('waitForCompletion', 0, false)) return rows;
	const { callingHours } = this.getNodeParameter('options', 0, {}) as TriggerOptions;
	return finalizeRunItems.call(this, rows, {
		notCalled: true,
		callingHours: (callingHours ?? 'anytime') !== 'anytime',
	});
}
