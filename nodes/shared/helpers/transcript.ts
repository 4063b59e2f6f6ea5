export interface TranscriptTurn {
	role: string;
	text: string;
	timestamp: string | null;
}

const TURN_LINE = /^\[([^\]]+)\]\s*([A-Za-z_]+):\s?(.*)$/;

/** Parses the transcript file: one `[<ISO timestamp>] <role>: <text>` line per turn. */
export function parseTranscript(text: string): TranscriptTurn[] {
	const turns: TranscriptTurn[] = [];
	for (const line of text.split(/\r?\n/)) {
		const match = TURN_LINE.exec(line);
		if (match) {
			turns.push({ timestamp: match[1], role: match[2].toLowerCase(), text: match[3].trim() });
		} else if (line.trim() !== '' && turns.length > 0) {
			turns[turns.length - 1].text += `\n${line.trim()}`;
		}
	}
	return turns;
}

interface FeedbackEvent {
	type?: unknown;
	timestamp?: unknown;
	payload?: { text?: unknown; final?: unknown };
}

/** Turns from the realtime events in `logs`, for runs without a downloadable transcript. */
export function turnsFromLogs(logs: unknown): TranscriptTurn[] {
	const events = (logs as { realtime_feedback_events?: unknown } | null)?.realtime_feedback_events;
	if (!Array.isArray(events)) return [];
	const turns: TranscriptTurn[] = [];
	for (const event of events as FeedbackEvent[]) {
		const text = typeof event?.payload?.text === 'string' ? event.payload.text.trim() : '';
		if (!text) continue;
		const timestamp = typeof event.timestamp === 'string' ? event.timestamp : null;
		if (event.type === 'rtf-bot-text') turns.push({ role: 'assistant', text, timestamp });
		if (event.type === 'rtf-user-transcription' && event.payload?.final === true)
			turns.push({ role: 'user', text, timestamp });
	}
	return turns;
}

export function transcriptText(turns: TranscriptTurn[]): string {
	return turns.map((turn) => `${turn.role}: ${turn.text}`).join('\n');
}
