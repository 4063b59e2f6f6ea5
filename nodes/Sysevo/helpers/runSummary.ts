export type RunStatus = 'in_progress' | 'completed' | 'not_connected' | 'failed';

export interface RunSummary {
	run_status: RunStatus;
	disposition: string | null;
	duration_seconds: number | null;
}

type Loose = Record<string, unknown>;

const FAILED_DISPOSITIONS = new Set([
	'error',
	'pipeline_error',
	'unexpected_error',
	'system_connect_error',
]);
const NOT_CONNECTED_DISPOSITIONS = new Set(['failed', 'busy', 'no-answer', 'canceled']);

function asObject(value: unknown): Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Loose)
		: {};
}

function asString(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function asNumber(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function callTags(gathered: Loose): string[] {
	const tags = gathered.call_tags;
	return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

// Older builds record a never-connected call only as a `telephony_<status>` tag.
function dispositionOf(gathered: Loose): string | null {
	const explicit =
		asString(gathered.call_disposition) ?? asString(gathered.mapped_call_disposition);
	if (explicit) return explicit;
	const telephonyTag = callTags(gathered).find((tag) => tag.startsWith('telephony_'));
	return telephonyTag ? telephonyTag.slice('telephony_'.length) : null;
}

// Run details have no status field: the outcome is derived from is_completed and gathered_context.
export function runStatusOf(run: Loose): RunStatus {
	if (run.is_completed !== true) return 'in_progress';
	const gathered = asObject(run.gathered_context);
	const disposition = dispositionOf(gathered);
	if (asString(gathered.error) || (disposition && FAILED_DISPOSITIONS.has(disposition)))
		return 'failed';
	if (isNotConnected(gathered)) return 'not_connected';
	return 'completed';
}

function isNotConnected(gathered: Loose): boolean {
	const disposition = dispositionOf(gathered);
	return (
		callTags(gathered).includes('not_connected') ||
		(disposition !== null && NOT_CONNECTED_DISPOSITIONS.has(disposition))
	);
}

/**
 * Whether a completed run's outcome has been written. `is_completed` turns true on the carrier's
 * "completed" callback, seconds before a connected call's disposition, extracted variables and
 * usage (docs/sysevo-api.md §6.3); a call that never connected or failed to start is final at once.
 */
export function outcomeSettled(run: Loose): boolean {
	if (run.is_completed !== true) return false;
	const gathered = asObject(run.gathered_context);
	if (asString(gathered.error) || isNotConnected(gathered)) return true;
	const costKnown = run.cost_info !== null && run.cost_info !== undefined;
	return dispositionOf(gathered) !== null && costKnown;
}

export function durationOf(run: Loose): number | null {
	return (
		asNumber(asObject(run.cost_info).call_duration_seconds) ??
		asNumber(asObject(run.usage_info).call_duration_seconds)
	);
}

export function summariseRun(run: Loose): RunSummary {
	return {
		run_status: runStatusOf(run),
		disposition: dispositionOf(asObject(run.gathered_context)),
		duration_seconds: durationOf(run),
	};
}

export const EXTRACTED_PREFIX = 'extracted_';

function flatten(value: unknown, key: string, into: Record<string, unknown>): void {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		for (const [inner, innerValue] of Object.entries(value))
			flatten(innerValue, `${key}_${inner}`, into);
		return;
	}
	into[key] = Array.isArray(value) ? JSON.stringify(value) : value;
}

/**
 * The variables the agent extracted, one flat column each (`extracted_<name>`), so a spreadsheet
 * row can be appended without expressions. The nested copy is preferred; older builds only have
 * the variables merged flat into gathered_context, which cannot be told apart from system keys.
 */
export function extractedColumns(run: Loose): Record<string, unknown> {
	const extracted = asObject(asObject(run.gathered_context).extracted_variables);
	const columns: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(extracted))
		flatten(value, `${EXTRACTED_PREFIX}${name}`, columns);
	return columns;
}
