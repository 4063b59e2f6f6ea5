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

import { earlierCallFields, type EarlierCall } from '../../calling/callHistory';
import type { ItemCall } from '../../calling/ledger';
import { prefetch } from '../../calling/prefetch';
import { DEFAULT_CALL_LIMIT_WAIT_SECONDS } from '../../calling/rateLimit';
import { DEFAULT_MAX_CONCURRENT_CALLS, type CallSession, type Lane } from '../../calling/session';
import { waitForRun, waitSettingsOf } from '../../calling/waitForRun';
import { MAY_HAVE_DIALED } from '../../helpers/errors';
import { settled } from '../../helpers/settled';
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
	waitForCompletionProperty,
} from '../../shared/descriptions';
import { finalizeRunItems, runItem } from '../../shared/runOutput';
import { apiBaseUrl, MayHaveDialedError } from '../../transport';
import { triggerCall } from '../../transport/api';
import { itemFacts, triggerPlanOf, type TriggerOptions, type TriggerPlan } from './triggerPlan';

const allowedCountriesOption: INodeProperties = {
	displayName: 'Allowed Countries',
	name: 'allowedCountries',
	type: 'multiOptions',
	default: [],
	options: countryOptions(),
	description:
		'Only numbers in these countries are called; any other number fails its item before dialling. None selected allows every country.',
};

const maxConcurrentCallsOption: INodeProperties = {
	displayName: 'Max Concurrent Calls',
	name: 'maxConcurrentCalls',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_CONCURRENT_CALLS,
	description:
		"Most calls this node has live at once. With Wait for Call to End on, the next item is dialled as soon as a call ends. Keep it below your organisation's concurrent call limit (10 unless Sysevo raised it).",
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

const blockPremiumNumbersOption: INodeProperties = {
	displayName: 'Block Premium-Rate and Special Numbers',
	name: 'blockPremiumNumbers',
	type: 'boolean',
	default: true,
	description:
		'Whether to refuse premium-rate, shared-cost, personal, pager, UAN and voicemail-access numbers, which cost extra or reach no person',
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
		"Don't dial a number this agent called within this many hours (checked in the agent's run list once per execution), nor a number an earlier item of the same execution calls. Such an item comes out with skipped: true instead. 0 turns the check off.",
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
			maxConcurrentCallsOption,
			maxWaitOption,
			pollIntervalOption,
			outcomeSettleOption,
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

export function lane(this: IExecuteFunctions): Lane {
	return 'dial';
}

type SkipOptions = TriggerOptions & { skipIfCalledWithinHours?: number | string };

function skipHoursOf(context: IExecuteFunctions, i: number, plan: TriggerPlan): number {
	const raw = (plan.options as SkipOptions).skipIfCalledWithinHours;
	if (raw === undefined || raw === null || raw === '') return 0;
	const hours = Number(raw);
	if (!Number.isFinite(hours) || hours < 0) {
		throw new NodeOperationError(
			context.getNode(),
			`Skip If Called Within must be a number of hours of 0 or more, not "${String(raw)}"`,
			{ itemIndex: i, description: 'No call was placed for this item.' },
		);
	}
	return hours;
}

/**
 * Items are read and checked in input order in the background while earlier calls are in flight;
 * with Skip If Called Within, each also claims its number in input order, so of two items calling
 * the same number the first one dials.
 */
function planOf(context: IExecuteFunctions, i: number, session: CallSession): Promise<TriggerPlan> {
	const plans = session.shared('triggerPlans', () =>
		prefetch(
			context.getInputData().length,
			(index) => {
				const plan = triggerPlanOf.call(context, index);
				if (skipHoursOf(context, index, plan) > 0)
					session.history.claim(plan.target.identifier, plan.e164, index);
				return plan;
			},
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
		throw new MayHaveDialedError(context.getNode(), response as JsonObject, {
			message: 'Sysevo accepted the call but returned no run ID',
			description: MAY_HAVE_DIALED,
			httpCode: '200',
			itemIndex: i,
		});
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
	const failure =
		error instanceof NodeApiError
			? new NodeApiError(context.getNode(), (error.errorResponse ?? {}) as JsonObject, {
					message,
					description,
					httpCode: error.httpCode ?? undefined,
					itemIndex: i,
				})
			: new NodeOperationError(context.getNode(), message, { itemIndex: i, description });
	failure.context.workflow_run_id = runId;
	return failure;
}

/**
 * The trigger's answer next to the run, without Simplify. Its `status` ("initiated") becomes
 * `trigger_status`, so it cannot be mistaken for the run's outcome (`run_status`).
 */
function withTriggerAnswer(placed: IDataObject): (json: IDataObject) => IDataObject {
	const { status, ...rest } = placed;
	return (json) => ({ trigger_status: status, ...rest, ...json });
}

async function waitForEnd(
	context: IExecuteFunctions,
	i: number,
	placed: IDataObject,
	options: TriggerOptions,
	releaseSlot: () => void,
): Promise<INodeExecutionData> {
	const runId = placed.workflow_run_id as number;
	try {
		// Run lookups ignore workflow_id (docs/sysevo-api.md §6.13): an unresolved agent id is fine.
		const waited = await waitForRun.call(
			context,
			{ workflowId: (placed.workflow_id as number | null) ?? 0, runId, itemIndex: i },
			waitSettingsOf(options),
			releaseSlot,
		);
		// The context may carry a phone_number; called_number is what the run dialled (docs/sysevo-api.md §6.4).
		const facts = { wait: waited, phoneNumber: calledNumberOf(waited.run, placed) };
		return await runItem.call(
			context,
			waited.run,
			options,
			i,
			facts,
			options.simplify ? undefined : withTriggerAnswer(placed),
		);
	} catch (error) {
		throw placedButFailed(context, i, runId, error);
	}
}

/** The dialled number as the run records it, else the number sent. */
function calledNumberOf(run: IDataObject, placed: IDataObject): string {
	const context = run.initial_context as IDataObject | null | undefined;
	const called = context?.called_number;
	return typeof called === 'string' && called !== '' ? called : (placed.phone_number as string);
}

async function agentIdOf(session: CallSession, plan: TriggerPlan): Promise<number | null> {
	const { target } = plan;
	return target.kind === 'workflowUuid'
		? await session.agents.idForWorkflowUuid(target.identifier)
		: await session.agents.idForTriggerPath(target.identifier);
}

/** Why this item is not dialled under Skip If Called Within, or undefined to dial it. */
async function earlierCallTo(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	hours: number,
): Promise<{ call: EarlierCall; reason: string; agentId: number } | undefined> {
	const agentId = await agentIdOf(session, plan);
	if (agentId === null) {
		throw new NodeOperationError(
			context.getNode(),
			"Skip If Called Within needs the agent's ID, and the agent was not found among the active agents of the API key's organisation",
			{
				itemIndex: i,
				description:
					'No call was placed for this item. Check the agent (and that it is active), or turn off Options → Skip If Called Within to dial without the check.',
			},
		);
	}
	const inExecution = await session.history.earlierInExecution(
		plan.target.identifier,
		plan.e164,
		i,
	);
	if (inExecution) {
		return {
			call: inExecution,
			agentId,
			reason: `Item ${inExecution.itemIndex} of this execution calls ${plan.e164} ${inExecution.runId === null ? '(its call may have been placed)' : `(run ${inExecution.runId})`}`,
		};
	}
	const listed = await session.history.earlierInRunList(agentId, plan.e164, hours, i);
	if (!listed) return undefined;
	return {
		call: listed,
		agentId,
		reason: `This agent called ${plan.e164} within the last ${hours} hour(s): run ${listed.runId} at ${listed.createdAt}`,
	};
}

function earlierCallOf(i: number, json: IDataObject | undefined): EarlierCall {
	const runId = json?.workflow_run_id;
	return {
		runId: typeof runId === 'number' ? runId : null,
		createdAt: null,
		runStatus: (json?.run_status as EarlierCall['runStatus']) ?? 'in_progress',
		disposition: (json?.disposition as string | null | undefined) ?? null,
		itemIndex: i,
	};
}

/** Dials the item (or, on a retry, takes the call an earlier try placed) and shapes its result. */
async function callAndWait(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
	placedBefore: IDataObject | undefined,
	settle: (earlier: EarlierCall | undefined) => void,
): Promise<INodeExecutionData> {
	const { e164, draft, waiting, options } = plan;
	const releaseSlot = await session.holdCallSlot(i);
	try {
		let placed = placedBefore;
		if (!placed) {
			session.ledger.sending(call);
			const sent = await settled(dial(context, i, session, plan));
			if (!sent.ok) {
				if (sent.error instanceof MayHaveDialedError) {
					session.ledger.mayHaveDialed(call, sent.error);
					settle(earlierCallOf(i, undefined));
				} else {
					session.ledger.notSent(call);
					settle(undefined);
				}
				throw sent.error;
			}
			const response = sent.value;
			if (!waiting) releaseSlot();
			const workflowId = await agentIdOf(session, plan);
			placed = { ...response, workflow_id: workflowId, phone_number: e164, draft };
			session.ledger.placed(call, placed);
		} else {
			session.noteNotDialled('ledgerResult');
			if (!waiting) releaseSlot();
		}
		settle(earlierCallOf(i, placed));
		const item = waiting
			? await waitForEnd(context, i, placed, options, releaseSlot)
			: { json: placed, pairedItem: { item: i } };
		// A retry replays the result's JSON; a downloaded recording is not kept for it.
		session.ledger.done(call, item.json, placed);
		return item;
	} finally {
		releaseSlot();
	}
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
): Promise<INodeExecutionData[]> {
	const plan = await planOf(this, i, session);
	const { target, e164, draft } = plan;
	const call: ItemCall = { itemIndex: i, e164, agent: target.path };
	const settle = (earlier: EarlierCall | undefined) =>
		session.history.settle(target.identifier, e164, i, earlier);
	const { ledger } = session;
	ledger.enter();
	try {
		const earlier = ledger.lookup(call);
		if (earlier?.state === 'done') {
			session.noteNotDialled(earlier.placed ? 'ledgerResult' : 'skippedRecent');
			settle(earlier.placed ? earlierCallOf(i, earlier.json) : undefined);
			return [{ json: earlier.json, pairedItem: { item: i } }];
		}
		if (earlier?.state === 'mayHaveDialed' || earlier?.state === 'sending') {
			session.noteNotDialled('ledgerMayHaveDialed');
			settle(earlierCallOf(i, undefined));
			throw earlier.state === 'mayHaveDialed'
				? ledger.replayError(earlier, i)
				: new MayHaveDialedError(this.getNode(), {} as JsonObject, {
						message: 'An earlier try of this node sent this call and got no answer',
						description: MAY_HAVE_DIALED,
						itemIndex: i,
					});
		}
		const hours = skipHoursOf(this, i, plan);
		if (earlier?.state !== 'placed' && hours > 0) {
			const skip = await earlierCallTo(this, i, session, plan, hours);
			if (skip) {
				const json: IDataObject = {
					skipped: true,
					skip_reason: skip.reason,
					phone_number: e164,
					workflow_id: skip.agentId,
					draft,
					...earlierCallFields(skip.call),
				};
				ledger.done(call, json);
				session.noteNotDialled('skippedRecent');
				settle(undefined);
				return [{ json, pairedItem: { item: i } }];
			}
		}
		const placedBefore = earlier?.state === 'placed' ? earlier.placed : undefined;
		return [await callAndWait(this, i, session, plan, call, placedBefore, settle)];
	} finally {
		settle(undefined);
		ledger.leave();
	}
}

/** An error row carries the number and context of its item, and the run when one was placed. */
export function failedItemFields(this: IExecuteFunctions, i: number, error: Error): IDataObject {
	const runId = (error as { context?: IDataObject }).context?.workflow_run_id;
	return { ...(runId ? { workflow_run_id: runId } : {}), ...itemFacts.call(this, i) };
}

export function finalize(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	failed: boolean[],
): INodeExecutionData[] {
	if (!this.getNodeParameter('waitForCompletion', 0, false)) return items;
	return finalizeRunItems.call(this, items, failed);
}
