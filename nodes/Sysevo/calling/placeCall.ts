import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { callingStateOf, type CallingState } from '../../shared/helpers/callingHours';
import { DEFAULT_CALL_LIMIT_WAIT_SECONDS } from '../../shared/defaults';
import { now } from '../../shared/helpers/clock';
import { MAY_HAVE_DIALED } from '../../shared/helpers/errors';
import { checkPositiveInteger } from '../../shared/helpers/identifiers';
import { contextColumns } from '../../shared/helpers/runSummary';
import { settled } from '../../shared/helpers/settled';
import { runItem } from '../../shared/runOutput';
import { apiBaseUrl, MayHaveDialedError } from '../../shared/transport';
import { triggerCall } from '../../shared/transport/api';
import { earlierCallFields, type EarlierCall } from './callHistory';
import type { TriggerPlan } from './callPlan';
import type { ItemCall, LedgerEntry } from './ledger';
import { notCalledRow } from './notCalled';
import type { CallSession, CallSlot, NotDialled } from './session';
import { waitForCallEnd, waitForOutcome, waitSettingsOf } from './waitForRun';

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
	options: TriggerPlan['options'],
	slot: CallSlot,
): Promise<INodeExecutionData> {
	const runId = placed.workflow_run_id as number;
	// Run lookups ignore workflow_id (docs/sysevo-api.md §6.13): an unresolved agent id is fine.
	const ref = { workflowId: (placed.workflow_id as number | null) ?? 0, runId, itemIndex: i };
	const settings = waitSettingsOf(options);
	try {
		const end = await waitForCallEnd.call(context, ref, settings);
		// Max Concurrent Calls counts live calls: one still live at Max Wait keeps its slot.
		if (end.ended) slot.release();
		else slot.releaseWhenEnded(ref, settings);
		const waited = end.ended
			? await waitForOutcome.call(context, ref, settings, end.run)
			: { run: end.run, timedOut: true, outcomeSettled: false };
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
): Promise<
	{ call: EarlierCall; reason: string; agentId: number; nextCallAt: string | null } | undefined
> {
	const agentId = await agentIdOf(session, plan);
	const listFailure = agentId === null ? await session.agents.listFailure() : undefined;
	if (listFailure) {
		const httpCode = (listFailure as { httpCode?: string | null }).httpCode;
		throw new NodeOperationError(
			context.getNode(),
			`Skip If Called Within needs the agent's ID, and Sysevo's agent list could not be read${httpCode ? ` (HTTP ${httpCode})` : ''}: ${listFailure.message}`,
			{
				itemIndex: i,
				description:
					'No call was placed for this item. Run the node again once Sysevo answers, or turn off Options → Skip If Called Within to dial without the check.',
			},
		);
	}
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
			nextCallAt: null,
			reason: `Item ${inExecution.itemIndex} of this execution calls ${plan.e164} ${inExecution.runId === null ? '(its call may have been placed)' : `(run ${inExecution.runId})`}`,
		};
	}
	const listed = await session.history.earlierInRunList(agentId, plan.e164, hours, i);
	if (!listed) return undefined;
	const calledAt = listed.createdAt === null ? NaN : Date.parse(listed.createdAt);
	return {
		call: listed,
		agentId,
		nextCallAt: Number.isNaN(calledAt)
			? null
			: new Date(calledAt + hours * 3_600_000).toISOString(),
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

/** The item's calling-hours state when Options → Calling Hours keeps it from being dialled now. */
function outsideCallingHours(plan: TriggerPlan): CallingState | undefined {
	if (plan.callingHours.mode === 'anytime') return undefined;
	const state = callingStateOf(plan.callingHours, plan.recipient, now().getTime());
	return state.callableNow ? undefined : state;
}

/** Why an earlier try of this node did not dial an item, for the execution hints. */
function notDialledWhy(json: IDataObject): NotDialled {
	const reason = json.not_called_reason;
	return reason === 'outside_calling_hours' || reason === 'time_zone_unknown'
		? 'outsideCallingHours'
		: 'skippedRecent';
}

/** One sentence on why a number is not dialled under its calling hours, and what next. */
function callingHoursDetail(e164: string, state: CallingState): string {
	if (state.zones.length === 0) {
		return `The time zone of ${e164} cannot be told from the number, so it is not dialled under Options → Calling Hours.`;
	}
	if (state.nextCallAt === null) {
		return `${e164} may be in any of ${state.zones.length} time zones (${state.zones.join(', ')}), which share no moment inside Options → Calling Hours in the next days, so it is not dialled.`;
	}
	return `It is ${state.localTime} where ${e164} is (${state.zones.join(', ')}), outside Options → Calling Hours; its window opens at ${state.nextCallAt}.`;
}

/** The row of an item not dialled because of its calling hours; no request was sent for it. */
function notCalledForHours(
	session: CallSession,
	i: number,
	plan: TriggerPlan,
	call: ItemCall,
	state: CallingState,
): INodeExecutionData {
	const initialContext = plan.body.initial_context;
	const json = notCalledRow(
		plan.e164,
		{
			reason: state.reason ?? 'outside_calling_hours',
			detail: callingHoursDetail(plan.e164, state),
			nextCallAt: state.nextCallAt,
		},
		{
			recipient_time_zones: state.zones,
			recipient_local_time: state.localTime,
			draft: plan.draft,
			initial_context: initialContext,
			// Simplify keeps context_ columns, so a loop back to this node still has the context.
			...(plan.options.simplify ? contextColumns(initialContext) : {}),
		},
	);
	session.ledger.done(call, json);
	session.noteNotDialled('outsideCallingHours');
	return { json, pairedItem: { item: i } };
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
	const slot = await session.holdCallSlot(i);
	try {
		let placed = placedBefore;
		if (!placed) {
			// Checked again once the slot is held: the wait for it may have taken the window's end.
			const outside = outsideCallingHours(plan);
			if (outside) {
				settle(undefined);
				return notCalledForHours(session, i, plan, call, outside);
			}
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
			if (!waiting) slot.release();
			const workflowId = await agentIdOf(session, plan);
			placed = { ...response, workflow_id: workflowId, phone_number: e164, draft };
			session.ledger.placed(call, placed);
		} else {
			session.noteNotDialled('ledgerResult');
			if (!waiting) slot.release();
		}
		settle(earlierCallOf(i, placed));
		const item = waiting
			? await waitForEnd(context, i, placed, options, slot)
			: { json: placed, pairedItem: { item: i } };
		// A retry replays the result's JSON; a downloaded recording is not kept for it.
		session.ledger.done(call, item.json, placed);
		return item;
	} finally {
		slot.release();
	}
}

/**
 * An AI agent asked for a number this node already called in this execution (a model repeating
 * itself): the first call's result, or its error when that call may have been placed.
 */
function repeatedCall(
	context: IExecuteFunctions,
	i: number,
	e164: string,
	first: LedgerEntry,
): INodeExecutionData {
	if (first.state === 'done') return { json: first.json, pairedItem: { item: i } };
	if (first.state === 'placed') return { json: first.placed, pairedItem: { item: i } };
	throw new MayHaveDialedError(context.getNode(), {} as JsonObject, {
		message: `${e164} was already called in this execution and is not dialled again`,
		description: `An earlier tool call of this execution sent the call to ${e164}; ${first.state === 'sending' ? 'it is still going out' : 'it may have been placed'}. Do not call this number again.`,
		itemIndex: i,
	});
}

/**
 * Places item i's call once: the dial ledger answers first when n8n runs the node again in the
 * same execution, then Calling Hours (no request), then Skip If Called Within, then the call
 * itself (and the wait, when asked).
 */
export async function placeCall(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
): Promise<INodeExecutionData> {
	const { target, e164, draft } = plan;
	const call: ItemCall = { itemIndex: i, e164, agent: target.path };
	const settle = (earlier: EarlierCall | undefined) =>
		session.history.settle(target.identifier, e164, i, earlier);
	const { ledger } = session;
	try {
		const earlier = ledger.lookup(call);
		if (earlier?.state === 'done') {
			session.noteNotDialled(earlier.placed ? 'ledgerResult' : notDialledWhy(earlier.json));
			settle(earlier.placed ? earlierCallOf(i, earlier.json) : undefined);
			return { json: earlier.json, pairedItem: { item: i } };
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
		if (session.asTool && !earlier) {
			const first = ledger.firstCallTo(call);
			if (first) {
				session.noteNotDialled('repeatedNumber');
				return repeatedCall(this, i, e164, first);
			}
		}
		if (earlier?.state !== 'placed') {
			const outside = outsideCallingHours(plan);
			if (outside) {
				settle(undefined);
				return notCalledForHours(session, i, plan, call, outside);
			}
		}
		const hours = plan.skipHours;
		if (earlier?.state !== 'placed' && hours > 0) {
			const skip = await earlierCallTo(this, i, session, plan, hours);
			if (skip) {
				const json = notCalledRow(
					e164,
					{ reason: 'called_within', detail: skip.reason, nextCallAt: skip.nextCallAt },
					{
						workflow_id: skip.agentId,
						draft,
						// The names of 0.2, kept for workflows that read them.
						skipped: true,
						skip_reason: skip.reason,
						...earlierCallFields(skip.call),
					},
				);
				ledger.done(call, json);
				session.noteNotDialled('skippedRecent');
				settle(undefined);
				return { json, pairedItem: { item: i } };
			}
		}
		const placedBefore = earlier?.state === 'placed' ? earlier.placed : undefined;
		if (placedBefore) return await callAndWait(this, i, session, plan, call, placedBefore, settle);
		if (!ledger.takeDial(call, session.callBudget)) {
			session.noteNotDialled('budgetReached');
			settle(undefined);
			const detail = `Not called: this node already placed ${session.callBudget} call(s) in this execution, the most Options → Max Calls per Execution allows`;
			const json = notCalledRow(e164, { reason: 'call_budget_reached', detail }, { draft });
			return { json, pairedItem: { item: i } };
		}
		try {
			return await callAndWait(this, i, session, plan, call, undefined, settle);
		} finally {
			ledger.giveBackUnsentDial(call);
		}
	} finally {
		settle(undefined);
	}
}
