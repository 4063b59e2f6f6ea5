import type { IDataObject } from 'n8n-workflow';

import type { CallSourceChoice } from '../../../shared/helpers/callSource';
import { checkPhoneNumber } from '../../../shared/helpers/phone';
import { runFilter } from '../../../shared/helpers/runFilter';
import { dialledNumberOf, type RunStatus } from '../../../shared/helpers/runSummary';
import type { RunListFilter } from '../../../shared/transport/api';

export interface GetManyFilters {
	createdAfter?: string;
	createdBefore?: string;
	outcomes?: RunStatus[];
	/** Comma-separated disposition codes. */
	dispositions?: string;
	phoneNumber?: string;
	callSources?: CallSourceChoice[];
}

export type FilterCheck =
	| { valid: true; serverFilters: RunListFilter[]; matches: (run: IDataObject) => boolean }
	| { valid: false; reason: string };

function instantOf(value: string | undefined, label: string): number | undefined | string {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const at = Date.parse(String(value));
	return Number.isNaN(at) ? `${label} "${String(value)}" is not a date and time` : at;
}

/**
 * The list filters the API takes for an API key (the date range, and finished or not), and the
 * rest, which are checked on each run: outcome, disposition (older builds record a never-connected
 * call only as a tag, which the API's disposition filter misses) and call source as the Sysevo
 * Trigger checks them (helpers/runFilter.ts), and the phone number.
 */
export function getManyFilterOf(filters: GetManyFilters): FilterCheck {
	const after = instantOf(filters.createdAfter, 'Created After');
	const before = instantOf(filters.createdBefore, 'Created Before');
	if (typeof after === 'string') return { valid: false, reason: after };
	if (typeof before === 'string') return { valid: false, reason: before };

	let phone: string | undefined;
	if (filters.phoneNumber && filters.phoneNumber.trim() !== '') {
		const check = checkPhoneNumber(filters.phoneNumber);
		if (!check.valid) return { valid: false, reason: `Phone Number filter: ${check.reason}` };
		phone = check.e164;
	}

	const serverFilters: RunListFilter[] = [];
	if (after !== undefined || before !== undefined) {
		// Offsets as +00:00: the API parses them with Python's datetime.fromisoformat.
		const iso = (at: number) => new Date(at).toISOString().replace('Z', '+00:00');
		serverFilters.push({
			attribute: 'dateRange',
			type: 'dateRange',
			value: {
				...(after !== undefined ? { from: iso(after) } : {}),
				...(before !== undefined ? { to: iso(before) } : {}),
			},
		});
	}
	const outcomes = new Set(filters.outcomes ?? []);
	if (outcomes.size > 0) {
		const finished = [...outcomes].filter((outcome) => outcome !== 'in_progress').length > 0;
		const running = outcomes.has('in_progress');
		if (finished !== running)
			serverFilters.push({
				attribute: 'status',
				type: 'radio',
				value: { status: running ? 'in_progress' : 'completed' },
			});
	}

	const passes = runFilter({
		outcomes: filters.outcomes,
		dispositions: filters.dispositions,
		// Without the filter every source is listed, API calls on the draft too.
		callSources: filters.callSources ?? [],
		includeTestRuns: true,
	});
	const matches = (run: IDataObject) => {
		const at = Date.parse(String(run.created_at));
		if (after !== undefined && !(at >= after)) return false;
		if (before !== undefined && !(at <= before)) return false;
		if (phone !== undefined) {
			const dialled = dialledNumberOf(run);
			const normalised = dialled ? checkPhoneNumber(dialled) : undefined;
			if (!(normalised?.valid && normalised.e164 === phone)) return false;
		}
		return passes(run);
	};
	return { valid: true, serverFilters, matches };
}
