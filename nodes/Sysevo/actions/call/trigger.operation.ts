import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { contextFromEntries, contextFromJson, type ContextEntry } from '../../helpers/context';
import {
	checkPositiveInteger,
	checkTriggerPath,
	checkWorkflowUuid,
} from '../../helpers/identifiers';
import { MAY_HAVE_DIALED } from '../../helpers/errors';
import { checkPhoneNumber, countryOptions, destinationProblem } from '../../helpers/phone';
import { sysevoApiRequest } from '../../transport';
import { pause } from '../../transport/backoff';
import {
	agentLocator,
	defaultCountryOption,
	maxWaitOption,
	pollIntervalOption,
	requestTimeoutOption,
	runResultOptions,
	sortedByName,
	waitForCompletionProperty,
} from '../descriptions';
import { runOutput, type OutputOptions } from '../runOutput';
import { CallSession, DEFAULT_MAX_CONCURRENT_CALLS, type PacingOptions } from '../session';
import { waitForRun, waitSettingsOf, type WaitOptions } from '../waitForRun';

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
				default: 300,
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
			...runResultOptions(true),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['trigger'] } },
	properties,
);

interface TriggerOptions extends PacingOptions, OutputOptions, WaitOptions {
	defaultCountry?: string;
	allowedCountries?: string[];
	blockPremiumNumbers?: boolean;
	callLimitWaitSeconds?: number;
	telephonyConfigurationId?: number | string | null;
}

interface Target {
	path: string;
	purpose: 'triggerByPath' | 'triggerByWorkflow';
	identifier: string;
	kind: 'workflowUuid' | 'triggerUuid';
}

function fail(context: IExecuteFunctions, i: number, reason: string): never {
	throw new NodeOperationError(context.getNode(), reason, { itemIndex: i });
}

function targetOf(context: IExecuteFunctions, i: number, draft: boolean): Target {
	const kind = context.getNodeParameter('agentIdType', i) as Target['kind'];
	const prefix = draft ? '/public/agent/test' : '/public/agent';
	if (kind === 'triggerUuid') {
		const check = checkTriggerPath(context.getNodeParameter('triggerUuid', i));
		if (!check.valid) fail(context, i, check.reason);
		return {
			path: `${prefix}/${check.value}`,
			purpose: 'triggerByPath',
			identifier: check.value,
			kind,
		};
	}
	const check = checkWorkflowUuid(context.getNodeParameter('agent', i, '', { extractValue: true }));
	if (!check.valid) fail(context, i, check.reason);
	return {
		path: `${prefix}/workflow/${check.value}`,
		purpose: 'triggerByWorkflow',
		identifier: check.value,
		kind,
	};
}

function initialContextOf(context: IExecuteFunctions, i: number): IDataObject {
	const input = context.getNodeParameter('contextInput', i) as string;
	const check =
		input === 'json'
			? contextFromJson(context.getNodeParameter('initialContextJson', i))
			: contextFromEntries(
					(context.getNodeParameter('initialContext.values', i, []) as ContextEntry[]) ?? [],
				);
	if (!check.valid) fail(context, i, check.reason);
	return check.context as IDataObject;
}

function telephonyIdOf(
	context: IExecuteFunctions,
	i: number,
	value: TriggerOptions['telephonyConfigurationId'],
) {
	if (value === undefined || value === null || value === '' || value === 0) return undefined;
	const check = checkPositiveInteger(value, 'telephony configuration ID');
	if (!check.valid) fail(context, i, check.reason);
	return check.value;
}

export interface TriggerPlan {
	target: Target;
	body: IDataObject;
	e164: string;
	draft: boolean;
	waiting: boolean;
	options: TriggerOptions;
}

function requestBodyOf(context: IExecuteFunctions, i: number, options: TriggerOptions) {
	const phone = checkPhoneNumber(
		String(context.getNodeParameter('phoneNumber', i) ?? ''),
		options.defaultCountry,
	);
	if (!phone.valid) fail(context, i, phone.reason);
	const refused = destinationProblem(phone, {
		allowedCountries: options.allowedCountries,
		blockSpecialNumbers: options.blockPremiumNumbers,
	});
	if (refused) fail(context, i, refused);
	const body: IDataObject = {
		phone_number: phone.e164,
		initial_context: initialContextOf(context, i),
	};
	const telephonyId = telephonyIdOf(context, i, options.telephonyConfigurationId);
	if (telephonyId !== undefined) body.telephony_configuration_id = telephonyId;
	return { body, e164: phone.e164 };
}

async function dial(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	target: Target,
	body: IDataObject,
	options: TriggerOptions,
): Promise<IDataObject> {
	if (!(await pause(session.dialPacer.reserve(), context.getExecutionCancelSignal?.()))) {
		fail(context, i, 'Not called: the execution was canceled');
	}
	session.throwIfStopped(i);
	const response = await sysevoApiRequest.call(context, {
		method: 'POST',
		path: target.path,
		purpose: target.purpose,
		body,
		timeoutMs: waitSettingsOf(options).requestTimeoutMs,
		rateLimitWaitMs: (options.callLimitWaitSeconds ?? 300) * 1000,
		itemIndex: i,
	});
	if (!checkPositiveInteger(response.workflow_run_id, 'run ID').valid) {
		throw new NodeOperationError(
			context.getNode(),
			'Sysevo accepted the call but returned no run ID',
			{
				itemIndex: i,
				description: MAY_HAVE_DIALED,
			},
		);
	}
	return response;
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
		// Run lookups ignore workflow_id (API notes §0.5), so an unresolved agent id does not block waiting.
		const waited = await waitForRun.call(
			context,
			(placed.workflow_id as number | null) ?? 0,
			runId,
			waitSettingsOf(options),
			i,
			releaseSlot,
		);
		return { ...placed, ...(await runOutput.call(context, waited.run, options, waited)) };
	} catch (error) {
		throw new NodeOperationError(
			context.getNode(),
			`The call was placed (run ${runId}), but waiting for it to end failed: ${(error as Error).message}`,
			{
				itemIndex: i,
				description: `Do not call this number again: fetch run ${runId} later with Get Run.`,
			},
		);
	}
}

/** Reads and checks an item's parameters; no request is made. */
export function prepare(this: IExecuteFunctions, i: number): TriggerPlan {
	const draft = this.getNodeParameter('useDraft', i, false) as boolean;
	const waiting = this.getNodeParameter('waitForCompletion', i, false) as boolean;
	const options = this.getNodeParameter('options', i, {}) as TriggerOptions;
	const target = targetOf(this, i, draft);
	const { body, e164 } = requestBodyOf(this, i, options);
	return { target, body, e164, draft, waiting, options };
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
): Promise<INodeExecutionData[]> {
	const { target, body, e164, draft, waiting, options } = plan;
	const releaseSlot = await session.callSlots.acquire();
	try {
		const response = await dial(this, i, session, target, body, options);
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
