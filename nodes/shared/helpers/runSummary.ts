import { SYSEVO_CONTEXT_KEYS } from './context';

export type RunStatus = 'in_progress' | 'completed' | 'voicemail' | 'not_connected' | 'failed';

/** A row's status: a run's, or `not_called` for an item the node deliberately did not dial. */
export type RowStatus = RunStatus | 'not_called';
export const NOT_CALLED: RowStatus = 'not_called';

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
const VOICEMAIL_MARKER = 'voicemail_detected';

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
	if (isVoicemail(gathered, disposition)) return 'voicemail';
	return 'completed';
}

/**
 * A machine answered: the pipeline ended the call as `voicemail_detected`, which is its disposition
 * unless the conversation extracted another one, and a tag either way; or the carrier's answering-
 * machine detection reported a machine (`answered_by: machine_…`, docs/sysevo-api.md §2.3).
 */
function isVoicemail(gathered: Loose, disposition: string | null): boolean {
	if (disposition === VOICEMAIL_MARKER || callTags(gathered).includes(VOICEMAIL_MARKER))
		return true;
	const answeredBy = asString(gathered.answered_by);
	return answeredBy !== null && answeredBy.toLowerCase().startsWith('machine');
}

/** Whether the call was answered (by a person or a machine): it has a conversation to show. */
export function wasAnswered(status: RunStatus): boolean {
	return status === 'completed' || status === 'voicemail';
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

/**
 * What the call cost in US dollars, or null when Sysevo has not reported it. Runs report cost as
 * `cost_info.dograh_token_usage`, Dograh tokens at 1 token = 1 US cent (docs/sysevo-api.md §2.3).
 */
export function costUsdOf(run: Loose): number | null {
	const tokens = asNumber(asObject(run.cost_info).dograh_token_usage);
	return tokens === null ? null : Math.round(tokens * 100) / 10_000;
}

/**
 * The number the call went to, in E.164. `called_number` is written after the caller's context is
 * merged, so a context key cannot change it (docs/sysevo-api.md §6.4); on an inbound call the
 * customer is the caller.
 */
export function dialledNumberOf(run: Loose): string | null {
	const context = asObject(run.initial_context);
	if (run.call_type === 'inbound') return asString(context.caller_number);
	return asString(context.called_number) ?? asString(context.phone_number);
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

export const QA_PREFIX = 'qa_';
export const CONTEXT_PREFIX = 'context_';

function columnName(text: string): string {
	return text.replace(/[^A-Za-z0-9_]+/g, '_');
}

function tagText(tags: unknown): string | null {
	if (!Array.isArray(tags)) return null;
	const names = tags
		.map((tag) => (typeof tag === 'string' ? tag : asString(asObject(tag).tag)))
		.filter((tag): tag is string => tag !== null);
	return names.join(', ');
}

const QA_FIELDS = ['score', 'summary', 'comment', 'overall_sentiment', 'error'];

/**
 * QA results, one flat column each: `qa_tags` (every tag of every QA node), and per QA node
 * (`qa_<node>` in `annotations`) and conversation node `<step>`: `qa_<node>_<step>_score`,
 * `…_summary`, `…_comment`, `…_overall_sentiment`, `…_tags`, `…_error`; a skipped or failed QA
 * node gives `qa_<node>_skipped` / `qa_<node>_error`.
 */
export function qaColumns(run: Loose): Record<string, unknown> {
	const annotations = asObject(run.annotations);
	const columns: Record<string, unknown> = {};
	const allTags = tagText(annotations.tags);
	if (allTags !== null) columns[`${QA_PREFIX}tags`] = allTags;
	for (const [key, value] of Object.entries(annotations)) {
		if (!key.startsWith(QA_PREFIX)) continue;
		const result = asObject(value);
		const prefix = columnName(key);
		if (result.skipped === true) columns[`${prefix}_skipped`] = asString(result.reason) ?? true;
		if ('error' in result) columns[`${prefix}_error`] = result.error;
		for (const [step, stepValue] of Object.entries(asObject(result.node_results))) {
			const stepResult = asObject(stepValue);
			const stepPrefix = `${prefix}_${columnName(step)}`;
			for (const field of QA_FIELDS)
				if (field in stepResult) columns[`${stepPrefix}_${field}`] = stepResult[field];
			const tags = tagText(stepResult.tags);
			if (tags !== null) columns[`${stepPrefix}_tags`] = tags;
		}
	}
	return columns;
}

/** The caller's own initial-context keys, flat: `context_<key>` (nested keys joined by `_`). */
export function contextColumns(context: unknown): Record<string, unknown> {
	const columns: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(asObject(context))) {
		if (SYSEVO_CONTEXT_KEYS.has(key)) continue;
		flatten(value, `${CONTEXT_PREFIX}${key}`, columns);
	}
	return columns;
}
