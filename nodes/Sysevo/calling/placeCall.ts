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
		if (end.ended) slot.releaseAtCallEnd();
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

/** Why an item is not dialled under Skip If Called Within. */
interface CalledWithin {
	call: EarlierCall;
	reason: string;
	agentId: number;
	nextCallAt: string | null;
}

/** Why this item is not dialled under Skip If Called Within, or undefined to dial it. */
async function earlierCallTo(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	hours: number,
): Promise<CalledWithin | undefined> {
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

/**
 * What became of one item's call; the operation makes it the item's row, or its error:
 * - `replayed`: an earlier try of the node (Retry On Fail), or as an AI tool an earlier call to the
 *   same number, already has the item's result, and nothing is dialled;
 * - `notCalled`: not dialled on purpose (calling hours, Skip If Called Within, Max Calls per
 *   Execution), no request sent;
 * - `placed`: the call was placed (now or by an earlier try) and, when asked, followed to its end;
 * - `failed`: the item's error, which says whether its call may have been placed.
 */
export type CallResult =
	| { kind: 'replayed'; json: IDataObject }
	| { kind: 'notCalled'; json: IDataObject }
	| { kind: 'placed'; item: INodeExecutionData }
	| { kind: 'failed'; error: unknown };

/**
 * Where an item stands once it is known whether it dialled, before any wait for its call: a
 * placed call comes with the live-call slot it holds.
 */
type Dialled =
	| { kind: 'replayed'; json: IDataObject; placedHere: boolean }
	| { kind: 'notCalled'; json: IDataObject }
	| { kind: 'placed'; placed: IDataObject; slot: CallSlot }
	| { kind: 'failed'; error: unknown; mayHaveDialed: boolean };

/** The row of an item not dialled because of its calling hours; no request was sent for it. */
function notCalledForHours(
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
	state: CallingState,
): Dialled {
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
	return { kind: 'notCalled', json };
}

/** The row of an item an earlier call of this agent to its number keeps from being dialled. */
function skippedAsCalled(
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
	skip: CalledWithin,
): Dialled {
	const json = notCalledRow(
		plan.e164,
		{ reason: 'called_within', detail: skip.reason, nextCallAt: skip.nextCallAt },
		{
			workflow_id: skip.agentId,
			draft: plan.draft,
			// The names of 0.2, kept for workflows that read them.
			skipped: true,
			skip_reason: skip.reason,
			...earlierCallFields(skip.call),
		},
	);
	session.ledger.done(call, json);
	session.noteNotDialled('skippedRecent');
	return { kind: 'notCalled', json };
}

/**
 * Sends the item's trigger once, holding a live-call slot, which stays held only by a placed call.
 * A failure stops the rest (without Continue On Fail) before the slot is freed.
 */
async function dialNew(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
): Promise<Dialled> {
	const slot = await session.holdCallSlot(i);
	const attempt = await settled(sendHoldingSlot(context, i, session, plan, call, slot));
	const dialled: Dialled = attempt.ok
		? attempt.value
		: { kind: 'failed', error: attempt.error, mayHaveDialed: false };
	if (dialled.kind === 'failed') session.itemFailed();
	if (dialled.kind !== 'placed') slot.release();
	return dialled;
}

/** The dial under a held slot: the calling hours again, the ledger, the trigger. */
async function sendHoldingSlot(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
	slot: CallSlot,
): Promise<Dialled> {
	const { e164, draft, waiting } = plan;
	// Checked again once the slot is held: the wait for it may have taken the window's end.
	const outside = outsideCallingHours(plan);
	if (outside) return notCalledForHours(session, plan, call, outside);
	session.ledger.sending(call);
	const sent = await settled(dial(context, i, session, plan));
	if (!sent.ok) {
		if (sent.error instanceof MayHaveDialedError) {
			session.ledger.mayHaveDialed(call, sent.error);
			return { kind: 'failed', error: sent.error, mayHaveDialed: true };
		}
		session.ledger.notSent(call);
		return { kind: 'failed', error: sent.error, mayHaveDialed: false };
	}
	if (!waiting) slot.release();
	const workflowId = await agentIdOf(session, plan);
	// Sysevo's answer is this item's own object: the fields are added to it, not spread into a
	// copy, which on Node 20 gives every row a hidden class of its own (docs/performance.md).
	const placed = sent.value;
	placed.workflow_id = workflowId;
	placed.phone_number = e164;
	placed.draft = draft;
	session.ledger.placed(call, placed);
	return { kind: 'placed', placed, slot };
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
): Dialled {
	if (first.state === 'done') return { kind: 'replayed', json: first.json, placedHere: false };
	if (first.state === 'placed') return { kind: 'replayed', json: first.placed, placedHere: false };
	const error = new MayHaveDialedError(context.getNode(), {} as JsonObject, {
		message: `${e164} was already called in this execution and is not dialled again`,
		description: `An earlier tool call of this execution sent the call to ${e164}; ${first.state === 'sending' ? 'it is still going out' : 'it may have been placed'}. Do not call this number again.`,
		itemIndex: i,
	});
	// That call is another item's: this item placed nothing.
	return { kind: 'failed', error, mayHaveDialed: false };
}

/**
 * Decides whether item i dials, and dials it: the dial ledger answers first when n8n runs the node
 * again in the same execution, then Calling Hours (no request), then Skip If Called Within, then
 * Max Calls per Execution, then the call itself.
 */
async function dialOnce(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
): Promise<Dialled> {
	const { ledger } = session;
	const earlier = ledger.lookup(call);
	if (earlier?.state === 'done') {
		session.noteNotDialled(earlier.placed ? 'ledgerResult' : notDialledWhy(earlier.json));
		return { kind: 'replayed', json: earlier.json, placedHere: Boolean(earlier.placed) };
	}
	if (earlier?.state === 'mayHaveDialed' || earlier?.state === 'sending') {
		session.noteNotDialled('ledgerMayHaveDialed');
		const error =
			earlier.state === 'mayHaveDialed'
				? ledger.replayError(earlier, i)
				: new MayHaveDialedError(context.getNode(), {} as JsonObject, {
						message: 'An earlier try of this node sent this call and got no answer',
						description: MAY_HAVE_DIALED,
						itemIndex: i,
					});
		return { kind: 'failed', error, mayHaveDialed: true };
	}
	if (earlier?.state === 'placed') {
		const slot = await session.holdCallSlot(i);
		session.noteNotDialled('ledgerResult');
		if (!plan.waiting) slot.release();
		return { kind: 'placed', placed: earlier.placed, slot };
	}
	if (session.asTool) {
		const first = ledger.claimFirstCall(call);
		if (first) {
			session.noteNotDialled('repeatedNumber');
			return repeatedCall(context, i, plan.e164, first);
		}
	}
	try {
		return await dialUnlessRefused(context, i, session, plan, call);
	} finally {
		if (session.asTool) ledger.releaseFirstCallUnlessSent(call);
	}
}

/** Calling Hours, Skip If Called Within and Max Calls per Execution, then the call itself. */
async function dialUnlessRefused(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
): Promise<Dialled> {
	const { ledger } = session;
	const outside = outsideCallingHours(plan);
	if (outside) return notCalledForHours(session, plan, call, outside);
	if (plan.skipHours > 0) {
		const skip = await earlierCallTo(context, i, session, plan, plan.skipHours);
		if (skip) return skippedAsCalled(session, plan, call, skip);
	}
	if (!ledger.takeDial(call, session.callBudget)) {
		session.noteNotDialled('budgetReached');
		const detail = `Not called: this node already placed ${session.callBudget} call(s) in this execution, the most Options → Max Calls per Execution allows`;
		const json = notCalledRow(
			plan.e164,
			{ reason: 'call_budget_reached', detail },
			{ draft: plan.draft },
		);
		return { kind: 'notCalled', json };
	}
	try {
		return await dialNew(context, i, session, plan, call);
	} finally {
		ledger.giveBackUnsentDial(call);
	}
}

/** What item i's claim on its number records: the call it placed or may have placed, if any. */
function claimedCallOf(i: number, dialled: Dialled): EarlierCall | undefined {
	if (dialled.kind === 'placed') return earlierCallOf(i, dialled.placed);
	if (dialled.kind === 'replayed' && dialled.placedHere) return earlierCallOf(i, dialled.json);
	if (dialled.kind === 'failed' && dialled.mayHaveDialed) return earlierCallOf(i, undefined);
	return undefined;
}

/** Follows a placed call to its end when asked, and keeps its result for a retry. */
async function followPlacedCall(
	context: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
	call: ItemCall,
	placed: IDataObject,
	slot: CallSlot,
): Promise<CallResult> {
	try {
		const item = plan.waiting
			? await waitForEnd(context, i, placed, plan.options, slot)
			: { json: placed, pairedItem: { item: i } };
		// A retry replays the result's JSON; a downloaded recording is not kept for it.
		session.ledger.done(call, item.json, placed);
		return { kind: 'placed', item };
	} catch (error) {
		session.itemFailed();
		return { kind: 'failed', error };
	} finally {
		slot.release();
	}
}

/**
 * Places item i's call once, and follows it when asked. Skip If Called Within's claim on the number
 * is settled as soon as it is known whether the item dialled, before the wait for the call:
 * later items calling the same number wait for that, not for the outcome.
 */
export async function placeCall(
	this: IExecuteFunctions,
	i: number,
	session: CallSession,
	plan: TriggerPlan,
): Promise<CallResult> {
	const call: ItemCall = { itemIndex: i, e164: plan.e164, agent: plan.target.path };
	const claim = session.history.claimOf(plan.target.identifier, plan.e164, i);
	const attempt = await settled(dialOnce(this, i, session, plan, call));
	const dialled: Dialled = attempt.ok
		? attempt.value
		: { kind: 'failed', error: attempt.error, mayHaveDialed: false };
	claim.settle(claimedCallOf(i, dialled));
	switch (dialled.kind) {
		case 'placed':
			return await followPlacedCall(this, i, session, plan, call, dialled.placed, dialled.slot);
		case 'failed':
			return { kind: 'failed', error: dialled.error };
		default:
			return { kind: dialled.kind, json: dialled.json };
	}
}
