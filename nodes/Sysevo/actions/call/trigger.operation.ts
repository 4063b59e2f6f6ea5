import {
	NodeApiError,
	NodeOperationError,
	sleep,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { prefetch } from '../../calling/prefetch';
import { DEFAULT_CALL_LIMIT_WAIT_SECONDS } from '../../calling/rateLimit';
import { DEFAULT_MAX_CONCURRENT_CALLS, type CallSession, type Lane } from '../../calling/session';
import { waitForRun, waitSettingsOf } from '../../calling/waitForRun';
import { MAY_HAVE_DIALED } from '../../helpers/errors';
import { checkPositiveInteger } from '../../helpers/identifiers';
import { countryOptions } from '../../helpers/phone';
import {
	agentLocator,
	defaultCountryOption,
	maxWaitOption,
	outcomeSettleOption,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	sortedByName,
	waitForCompletionProperty,
} from '../../shared/descriptions';
import { runOutput } from '../../shared/runOutput';
import { apiBaseUrl } from '../../transport';
import { triggerCall } from '../../transport/api';
import { triggerPlanOf, type TriggerOptions, type TriggerPlan } from './triggerPlan';

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
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedByName([
			defaultCountryOption,
			{
				displayName: 'Allowed Countries',
				name: 'allowedCountries',
				type: 'multiOptions',
				default: [],
				options: countryOptions(),
				description:
					'Only numbers in these countries are called; any other number fails its item before dialling. None selected allows every country.',
			},
			{
				displayName: 'Block Premium-Rate and Special Numbers',
				name: 'blockPremiumNumbers',
				type: 'boolean',
				default: true,
				description:
					'Whether to refuse premium-rate, shared-cost, personal, pager, UAN and voicemail-access numbers, which cost extra or reach no person',
			},
			{
				displayName: 'Max Concurrent Calls',
				name: 'maxConcurrentCalls',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_CONCURRENT_CALLS,
				description:
					"Most calls this node has live at once. With Wait for Call to End on, the next item is dialled as soon as a call ends. Keep it below your organisation's concurrent call limit (10 unless Sysevo raised it).",
			},
			{
				displayName: 'Delay Between Calls (Ms)',
				name: 'delayBetweenCallsMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Least time between two dials, in milliseconds',
			},
			{
				displayName: 'Max Wait at Call Limit (Seconds)',
				name: 'callLimitWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_CALL_LIMIT_WAIT_SECONDS,
				description:
					'When Sysevo answers that too many calls are live (no call is placed then), how long to keep retrying before the item fails',
			},
			requestTimeoutOption,
			{
				displayName: 'Telephony Configuration ID',
				name: 'telephonyConfigurationId',
				type: 'number',
				default: 0,
				description:
					"ID of the telephony configuration (provider and caller number) to call from. Leave empty or 0 to use the organisation's default.",
			},
			pollIntervalOption,
			maxWaitOption,
			outcomeSettleOption,
			...runResultOptions(true),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['trigger'] } },
	properties,
);

export function lane(this: IExecuteFunctions): Lane {
	return 'dial';
}

/** Items are read and checked in input order in the background while earlier calls are in flight. */
function planOf(context: IExecuteFunctions, i: number, session: CallSession): Promise<TriggerPlan> {
	const plans = session.shared('triggerPlans', () =>
		prefetch(
			context.getInputData().length,
			(index) => triggerPlanOf.call(context, index),
			async () => await sleep(0),
		),
	);
	return plans.get(i);
}

async function dial(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
): Promise<IDataObject> {
	const { target, body, options } = plan;
	// The credential is read before the dial's turn is taken, so turns are spaced as sent.
	await apiBaseUrl.call(context);
	const response = await session.dial(
		i,
		async () =>
			await triggerCall.call(context, target.route, target.path, body, {
				timeoutMs: waitSettingsOf(options).requestTimeoutMs,
				itemIndex: i,
			}),
		(options.callLimitWaitSeconds ?? DEFAULT_CALL_LIMIT_WAIT_SECONDS) * 1000,
	);
	if (!checkPositiveInteger(response.workflow_run_id, 'run ID').valid) {
		throw new NodeOperationError(
			context.getNode(),
			'Sysevo accepted the call but returned no run ID',
			{ itemIndex: i, description: MAY_HAVE_DIALED },
		);
	}
	return response;
}

/** A failure after the call was placed: say so, keeping what Sysevo answered. */
function placedButFailed(
	context: IExecuteFunctions,
	i: number,
	runId: number,
	error: unknown,
): Error {
	const message = `The call was placed (run ${runId}), but waiting for it to end failed: ${(error as Error).message}`;
	const description = `Do not call this number again: fetch run ${runId} later with Get Run.`;
	if (error instanceof NodeApiError) {
		return new NodeApiError(context.getNode(), (error.errorResponse ?? {}) as JsonObject, {
			message,
			description,
			httpCode: error.httpCode ?? undefined,
			itemIndex: i,
		});
	}
	return new NodeOperationError(context.getNode(), message, { itemIndex: i, description });
}

async function waitForEnd(
	context: IExecuteFunctions,
	i: number,
	placed: IDataObject,
	options: TriggerOptions,
	releaseSlot: () => void,
): Promise<IDataObject> {
	const runId = placed.workflow_run_id as number;
	try {
		// Run lookups ignore workflow_id (docs/sysevo-api.md §6.13): an unresolved agent id is fine.
		const waited = await waitForRun.call(
			context,
			{ workflowId: (placed.workflow_id as number | null) ?? 0, runId, itemIndex: i },
			waitSettingsOf(options),
			releaseSlot,
		);
		const output = await runOutput.call(context, waited.run, options, waited);
		// The context may carry a phone_number; called_number is what the run dialled (docs/sysevo-api.md §6.4).
		return { ...placed, ...output, phone_number: calledNumberOf(waited.run, placed) };
	} catch (error) {
		throw placedButFailed(context, i, runId, error);
	}
}

/** The dialled number as the run records it, else the number sent. */
function calledNumberOf(run: IDataObject, placed: IDataObject): IDataObject[string] {
	const context = run.initial_context as IDataObject | null | undefined;
	const called = context?.called_number;
	return typeof called === 'string' && called !== '' ? called : placed.phone_number;
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
): Promise<INodeExecutionData[]> {
	const plan = await planOf(this, i, session);
	const { target, e164, draft, waiting, options } = plan;
	const releaseSlot = await session.holdCallSlot(i);
	try {
		const response = await dial(this, i, session, plan);
		if (!waiting) releaseSlot();
		const workflowId =
			target.kind === 'workflowUuid'
				? await session.agents.idForWorkflowUuid(target.identifier)
				: await session.agents.idForTriggerPath(target.identifier);
		const placed = { ...response, workflow_id: workflowId, phone_number: e164, draft };
		const json = waiting ? await waitForEnd(this, i, placed, options, releaseSlot) : placed;
		return [{ json, pairedItem: { item: i } }];
	} finally {
		releaseSlot();
	}
}
