import {
	NodeOperationError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { DEFAULT_MAX_RECORDING_SIZE_MB } from './defaults';
import { audioFileOf } from './helpers/audioFile';
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
import { downloadPublicFile, downloadPublicText, FileTooLargeError } from './transport/api';
import {
	parseTranscript,
	transcriptText,
	turnsFromLogs,
	type TranscriptTurn,
} from './helpers/transcript';
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

type Transcript = {
	transcript: string | null;
	transcript_turns: TranscriptTurn[];
	transcript_source: string;
};

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

async function downloadTranscript(
	context: RunOutputContext,
	url: string,
): Promise<string | undefined> {
	try {
		const body = await downloadPublicText.call(context, url);
		return typeof body === 'string' ? body : undefined;
	} catch (error) {
		context.logger.warn(`Sysevo: transcript download failed (${(error as Error).message})`);
		return undefined;
	}
}

// The public URL exists as soon as a token does, even without a transcript, so the storage key
// decides. Webhook payloads carry no storage key, and a transcript URL only when there is one.
function hasTranscriptFile(run: IDataObject): boolean {
	return 'transcript_url' in run ? Boolean(run.transcript_url) : true;
}

async function transcriptOf(context: RunOutputContext, run: IDataObject): Promise<Transcript> {
	const url = typeof run.transcript_public_url === 'string' ? run.transcript_public_url : undefined;
	if (url && hasTranscriptFile(run)) {
		const text = await downloadTranscript(context, url);
		const turns = text ? parseTranscript(text) : [];
		if (turns.length > 0)
			return {
				transcript: transcriptText(turns),
				transcript_turns: turns,
				transcript_source: 'file',
			};
	}
	const turns = turnsFromLogs(run.logs);
	if (turns.length > 0)
		return {
			transcript: transcriptText(turns),
			transcript_turns: turns,
			transcript_source: 'logs',
		};
	return { transcript: null, transcript_turns: [], transcript_source: 'none' };
}

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

/** What a failed item's row says: its message, with what to do next. */
export function errorText(error: { message: string; description?: string | null }): string {
	return error.description ? `${error.message} (${error.description})` : error.message;
}

const MIME_EXTENSIONS: Record<string, string> = {
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/ogg': 'ogg',
	'audio/webm': 'webm',
	'audio/mp4': 'm4a',
	'audio/flac': 'flac',
};

/**
 * The call's recording as binary data (`recording`) with Download Recording on; nothing when the
 * call has no recording. It is fetched from the public link without the API key.
 */
export async function recordingBinary(
	this: IExecuteFunctions,
	run: IDataObject,
	options: OutputOptions,
	itemIndex: number,
): Promise<IBinaryKeyData | undefined> {
	if (!options.downloadRecording) return undefined;
	const url = run.recording_public_url;
	const hasRecording = 'recording_url' in run ? Boolean(run.recording_url) : Boolean(url);
	if (!hasRecording) return undefined;
	if (typeof url !== 'string' || url === '') {
		throw new NodeOperationError(
			this.getNode(),
			`Run ${String(run.id)} has a recording, but Sysevo returned no public link to download it`,
			{
				itemIndex,
				description:
					'Public links need a Sysevo build from 2025 or later; turn off Options → Download Recording for older builds',
			},
		);
	}
	const maxMb = options.maxRecordingSizeMb ?? DEFAULT_MAX_RECORDING_SIZE_MB;
	let file;
	try {
		file = await downloadPublicFile.call(this, url, {
			maxBytes: Math.round(maxMb * 1024 * 1024),
			...(options.timeoutSeconds ? { timeoutMs: options.timeoutSeconds * 1000 } : {}),
		});
	} catch (error) {
		if (error instanceof FileTooLargeError) {
			throw new NodeOperationError(
				this.getNode(),
				`The recording of run ${String(run.id)} is larger than ${maxMb} MB`,
				{
					itemIndex,
					description:
						'Raise Options → Max Recording Size (MB), or turn off Download Recording and use recording_url',
				},
			);
		}
		// The cause goes into the description: n8n replaces a whole message that holds a network
		// error code (ECONNREFUSED, ETIMEDOUT) with its own text, which would drop the run id.
		throw new NodeOperationError(
			this.getNode(),
			`Downloading the recording of run ${String(run.id)} failed`,
			{ itemIndex, description: (error as Error).message },
		);
	}
	const audio = audioFileOf(file.data, file.mimeType);
	if ('problem' in audio) {
		throw new NodeOperationError(
			this.getNode(),
			`The recording of run ${String(run.id)} is not audio: ${audio.problem}`,
			{
				itemIndex,
				description:
					'The public link did not return the recording; get the run again later, or use recording_url',
			},
		);
	}
	const { mimeType } = audio;
	const fileName = `${String(run.name ?? `run-${String(run.id)}`)}.${MIME_EXTENSIONS[mimeType] ?? 'wav'}`;
	return { recording: await this.helpers.prepareBinaryData(file.data, fileName, mimeType) };
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

/** A Continue On Fail error row as a simplified row: what the item was about, and the error. */
function simplifiedError(json: IDataObject): IDataObject {
	const { initial_context: context, error, description, ...known } = json;
	delete known.http_code;
	return {
		...known,
		...contextColumns(context),
		[ERROR_COLUMN]: errorText({
			message: String(error ?? ''),
			description: typeof description === 'string' ? description : null,
		}),
	};
}

/** One output row: an item's data, and whether it is the item's error. */
export interface OutputRow {
	item: INodeExecutionData;
	failed: boolean;
}

/**
 * The execution-wide pass of the run operations: with Simplify, every row (error rows too) gets
 * the same columns in the same order; `error` is a column whenever Continue On Fail is on.
 */
export function finalizeRunItems(
	this: IExecuteFunctions,
	rows: OutputRow[],
	always: Omit<StableColumns, 'error'> = {},
): OutputRow[] {
	const options = this.getNodeParameter('options', 0, {}) as OutputOptions;
	if (!options.simplify) return rows;
	const simple = stableRows(
		rows.map(({ item, failed }) => (failed ? simplifiedError(item.json) : item.json)),
		{ ...always, error: this.continueOnFail() },
	);
	return rows.map((row, k) => ({ ...row, item: { ...row.item, json: simple[k] } }));
}
