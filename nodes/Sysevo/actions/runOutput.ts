import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { extractedColumns, summariseRun } from '../helpers/runSummary';
import { parseTranscript, transcriptText, turnsFromLogs, type TranscriptTurn } from '../helpers/transcript';

export interface OutputOptions {
	includeTranscript?: boolean;
	simplify?: boolean;
}

type Transcript = { transcript: string | null; transcript_turns: TranscriptTurn[]; transcript_source: string };

// The public download URL redirects to a signed storage URL. It needs no key, so it is fetched
// without the credential: the API key never travels to the storage host.
async function downloadTranscript(context: IExecuteFunctions, url: string): Promise<string | undefined> {
	if (!/^https?:\/\//i.test(url)) return undefined;
	try {
		const body = await context.helpers.httpRequest({ method: 'GET', url, json: false, encoding: 'text', timeout: 30_000 });
		return typeof body === 'string' ? body : undefined;
	} catch (error) {
		context.logger.warn(`Sysevo: transcript download failed (${(error as Error).message})`);
		return undefined;
	}
}

async function transcriptOf(context: IExecuteFunctions, run: IDataObject): Promise<Transcript> {
	const url = typeof run.transcript_public_url === 'string' ? run.transcript_public_url : undefined;
	if (url && run.transcript_url) {
		const text = await downloadTranscript(context, url);
		const turns = text ? parseTranscript(text) : [];
		if (turns.length > 0) return { transcript: transcriptText(turns), transcript_turns: turns, transcript_source: 'file' };
	}
	const turns = turnsFromLogs(run.logs);
	if (turns.length > 0) return { transcript: transcriptText(turns), transcript_turns: turns, transcript_source: 'logs' };
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
	this: IExecuteFunctions,
	run: IDataObject,
	options: OutputOptions,
	wait?: { timedOut: boolean },
): Promise<IDataObject> {
	const summary = { ...summariseRun(run), ...extractedColumns(run) } as IDataObject;
	const extra: IDataObject = wait ? { timed_out: wait.timedOut } : {};
	if (options.includeTranscript) Object.assign(extra, await transcriptOf(this, run));
	return options.simplify ? simplified(run, summary, extra) : { ...run, ...summary, ...extra };
}
