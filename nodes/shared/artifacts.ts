import {
	NodeOperationError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { DEFAULT_MAX_RECORDING_SIZE_MB } from './defaults';
import { audioFileOf } from './helpers/audioFile';
import {
	parseTranscript,
	transcriptText,
	turnsFromLogs,
	type TranscriptTurn,
} from './helpers/transcript';
import type { OutputOptions, RunOutputContext } from './runOutput';
import { downloadPublicFile, downloadPublicText, FileTooLargeError } from './transport/api';

export interface Transcript {
	transcript: string | null;
	transcript_turns: TranscriptTurn[];
	transcript_source: string;
}

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

/** The call's transcript: the uploaded file, else the realtime events in `logs`. */
export async function transcriptOf(
	context: RunOutputContext,
	run: IDataObject,
): Promise<Transcript> {
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
