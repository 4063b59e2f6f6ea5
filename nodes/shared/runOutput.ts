import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { recordingBinary, transcriptOf, type Transcript } from './artifacts';
import {
	CONTEXT_PREFIX,
	contextColumns,
	costUsdOf,
	dialledNumberOf,
	EXTRACTED_PREFIX,
	extractedColumns,
	QA_PREFIX,
	qaColumns,
	summariseRun,
} from './helpers/runSummary';
import { runsAsTool } from './toolMode';

export interface OutputOptions {
	includeTranscript?: boolean;
	simplify?: boolean;
	/** Keep the public recording and transcript links (default on, docs/sysevo-api.md §6.8). */
	includePublicLinks?: boolean;
	downloadRecording?: boolean;
	maxRecordingSizeMb?: number;
	/** Request Timeout: also how long a recording download may go without receiving data. */
	timeoutSeconds?: number;
}

/** What an operation knows about a run besides the run itself. */
export interface RunFacts {
	wait?: { timedOut: boolean; outcomeSettled: boolean };
	/** The number this node dialled (E.164). */
	phoneNumber?: string;
}

/** What building an output needs: the action node, the trigger's poller and its webhook all have it. */
export type RunOutputContext = Pick<IExecuteFunctions, 'logger'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest'>;
};

/** Fields of a run that are public links, or the token that makes one (docs/sysevo-api.md §6.8). */
const PUBLIC_LINK_FIELDS = [
	'transcript_public_url',
	'recording_public_url',
	'user_recording_public_url',
	'bot_recording_public_url',
	'public_access_token',
];

function linksIncluded(options: OutputOptions): boolean {
	return options.includePublicLinks !== false;
}

function withoutPublicLinks(run: IDataObject): IDataObject {
	const copy = { ...run };
	for (const field of PUBLIC_LINK_FIELDS) delete copy[field];
	return copy;
}

/** One flat row: the columns `stableRows` orders (see SIMPLE_COLUMNS). */
function simplified(
	run: IDataObject,
	options: OutputOptions,
	facts: RunFacts,
	transcript: Transcript | undefined,
): IDataObject {
	const summary = summariseRun(run);
	return {
		workflow_run_id: run.id,
		workflow_run_name: run.name ?? null,
		workflow_id: run.workflow_id ?? null,
		phone_number: facts.phoneNumber ?? dialledNumberOf(run),
		called_at: run.created_at ?? null,
		...summary,
		cost_usd: costUsdOf(run),
		...(linksIncluded(options) ? { recording_url: run.recording_public_url ?? null } : {}),
		...(transcript ? { transcript: transcript.transcript } : {}),
		...(facts.wait
			? { timed_out: facts.wait.timedOut, outcome_settled: facts.wait.outcomeSettled }
			: {}),
		...extractedColumns(run),
		...qaColumns(run),
		...contextColumns(run.initial_context),
	};
}

/**
 * The run as the API returned it plus spreadsheet-ready summary columns, or with Simplify one flat
 * row per call. Rows of one execution get the same columns from `stableRows`.
 */
export async function runOutput(
	this: RunOutputContext,
	run: IDataObject,
	options: OutputOptions,
	facts: RunFacts = {},
): Promise<IDataObject> {
	const transcript = options.includeTranscript ? await transcriptOf(this, run) : undefined;
	if (options.simplify) return simplified(run, options, facts, transcript);
	const summary = {
		...summariseRun(run),
		cost_usd: costUsdOf(run),
		...extractedColumns(run),
	} as IDataObject;
	const wait: IDataObject = facts.wait
		? { timed_out: facts.wait.timedOut, outcome_settled: facts.wait.outcomeSettled }
		: {};
	const shown = linksIncluded(options) ? run : withoutPublicLinks(run);
	return { ...shown, ...summary, ...wait, ...(transcript ?? {}) };
}

/** The leading columns of a simplified row, in this order; then the named groups, then `error`. */
const SIMPLE_COLUMNS = [
	'workflow_run_id',
	'workflow_run_name',
	'workflow_id',
	'phone_number',
	'called_at',
	'run_status',
	'disposition',
	'duration_seconds',
	'cost_usd',
	'recording_url',
	'transcript',
	'timed_out',
	'outcome_settled',
];
/** Why an item was not dialled and when it may be: columns of every Trigger Call row. */
const NOT_CALLED_COLUMNS = [
	'not_called_reason',
	'not_called_detail',
	'next_call_at',
	'earlier_run_id',
	'earlier_run_created_at',
];
/** Where and when the recipient is: columns of every Trigger Call row with Calling Hours set. */
export const CALLING_HOURS_COLUMNS = ['recipient_time_zones', 'recipient_local_time'];
const COLUMN_GROUPS = [EXTRACTED_PREFIX, QA_PREFIX, CONTEXT_PREFIX];
export const ERROR_COLUMN = 'error';

export interface StableColumns {
	/** `error` is a column even when no row failed (Continue On Fail is on). */
	error?: boolean;
	/** The not-called columns are columns even when every row was dialled (Trigger Call). */
	notCalled?: boolean;
	/** The calling-hours columns are columns even when every row was dialled (Calling Hours set). */
	callingHours?: boolean;
}

/**
 * Gives every simplified row of an execution the same columns in the same order: the leading
 * columns any row has, then the not-called and calling-hours columns, then every `extracted_`, `qa_` and `context_`
 * column any row has (sorted by name), then `error`. A row lacking a column gets null.
 */
export function stableRows(rows: IDataObject[], always: StableColumns = {}): IDataObject[] {
	const present = new Set(rows.flatMap((row) => Object.keys(row)));
	const leading = SIMPLE_COLUMNS.filter((column) => present.has(column));
	const notCalled =
		always.notCalled || NOT_CALLED_COLUMNS.some((column) => present.has(column))
			? NOT_CALLED_COLUMNS
			: [];
	const groups = COLUMN_GROUPS.flatMap((prefix) =>
		[...present].filter((column) => column.startsWith(prefix)).sort(),
	);
	const callingHours =
		always.callingHours || CALLING_HOURS_COLUMNS.some((column) => present.has(column))
			? CALLING_HOURS_COLUMNS
			: [];
	const columns = [...leading, ...notCalled, ...callingHours, ...groups];
	if (always.error || present.has(ERROR_COLUMN)) columns.push(ERROR_COLUMN);
	return rows.map((row) =>
		Object.fromEntries(columns.map((column) => [column, row[column] ?? null])),
	);
}

/** An output item for a run: its JSON, the recording when asked for, paired with input item `i`. */
export async function runItem(
	this: IExecuteFunctions,
	run: IDataObject,
	options: OutputOptions,
	i: number,
	facts: RunFacts = {},
	extend: (json: IDataObject) => IDataObject = (json) => json,
): Promise<INodeExecutionData> {
	// What an AI tool returns goes to the model provider: public links only when asked for.
	const shown =
		runsAsTool(this) && options.includePublicLinks !== true
			? { ...options, includePublicLinks: false }
			: options;
	const json = extend(await runOutput.call(this, run, shown, facts));
	const binary = await recordingBinary.call(this, run, options, i);
	return { json, ...(binary ? { binary } : {}), pairedItem: { item: i } };
}
