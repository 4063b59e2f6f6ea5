import type { IDataObject } from 'n8n-workflow';

import { NOT_CALLED } from '../../shared/helpers/runSummary';

/** Why the node deliberately did not dial an item. None of these is a failure. */
export type NotCalledReason =
	| 'called_within'
	| 'outside_calling_hours'
	| 'time_zone_unknown'
	| 'call_budget_reached';

export interface NotCalled {
	reason: NotCalledReason;
	/** One sentence a person (or an AI agent) reads: why, and what happens next. */
	detail: string;
	/** When the number may be dialled (ISO 8601, UTC), where that is known. */
	nextCallAt?: string | null;
}

/**
 * The row of an item the node did not dial: `run_status: "not_called"`, which Route by Outcome
 * sends to the Not Called output, never to Failed, and which n8n never treats as an error.
 */
export function notCalledRow(phoneNumber: string, notCalled: NotCalled, fields: IDataObject = {}) {
	return {
		run_status: NOT_CALLED,
		not_called_reason: notCalled.reason,
		not_called_detail: notCalled.detail,
		next_call_at: notCalled.nextCallAt ?? null,
		phone_number: phoneNumber,
		...fields,
	} satisfies IDataObject;
}
