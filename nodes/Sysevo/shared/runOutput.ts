import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { extractedColumns, summariseRun } from '../helpers/runSummary';
import { downloadPublicArtifact } from '../transport/api';
import {
	parseTranscript,
	transcriptText,
	turnsFromLogs,
	type TranscriptTurn,
} from '../helpers/transcript';

export interface OutputOptions {
	includeTranscript?: boolean;
	simplify?: boolean;
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

async function downloadTranscript(
	context: RunOutputContext,
	url: string,
): Promise<string | undefined> {
	try {
		const body = await downloadPublicArtifact.call(context, url, 'text');
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

function simplified(run: IDataObject, summary: IDataObject, extra: IDataObject): IDataObject {
	const context = (run.initial_context ?? {}) as IDataObject;
	return {
		workflow_run_id: run.id,
		workflow_run_name: run.name,
		workflow_id: run.workflow_id,
		phone_number: context.phone_number ?? null,
		created_at: run.created_at,
		...summary,
		recording_url: run.recording_public_url ?? null,
		...extra,
	};
}

/** The run as the API returned it, plus spreadsheet-ready summary columns (or only those). */
export async function runOutput(
	this: RunOutputContext,
	run: IDataObject,
	options: OutputOptions,
	wait?: { timedOut: boolean; outcomeSettled: boolean },
): Promise<IDataObject> {
	const summary = { ...summariseRun(run), ...extractedColumns(run) } as IDataObject;
	const extra: IDataObject = wait
		? { timed_out: wait.timedOut, outcome_settled: wait.outcomeSettled }
		: {};
	if (options.includeTranscript) Object.assign(extra, await transcriptOf(this, run));
	return options.simplify ? simplified(run, summary, extra) : { ...run, ...summary, ...extra };
}
