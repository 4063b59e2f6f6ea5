import type { JsonObject } from './types';

/**
 * What happens to a call, chosen by the last four digits of `phone_number`.
 * Durations are in simulated seconds (multiplied by `timeScale`).
 */
export const OUTCOMES = {
	busy: {
		suffix: '0001',
		examplePhone: '+14155550001',
		description: 'Busy: completes after ~5 s of ringing, never connected, no artifacts',
		connected: false,
		disposition: 'busy',
	},
	noAnswer: {
		suffix: '0002',
		examplePhone: '+14155550002',
		description: 'No answer: completes after ~15 s of ringing, never connected, no artifacts',
		connected: false,
		disposition: 'no-answer',
	},
	voicemail: {
		suffix: '0003',
		examplePhone: '+14155550003',
		description:
			'Voicemail: connected, completes after the call duration, transcript and recording',
		connected: true,
		disposition: 'voicemail_detected',
	},
	failedBeforeStart: {
		suffix: '0004',
		examplePhone: '+14155550004',
		description:
			"Trigger answers 200, then the carrier reports 'failed' after ~1 s: disposition failed, tags not_connected and telephony_failed, no error key",
		connected: false,
		disposition: 'failed',
	},
	providerRejected: {
		suffix: '0005',
		examplePhone: '+14155550005',
		description:
			"Trigger answers 400 'Failed to initiate call: ...'; the run exists, completed with error",
		connected: false,
		disposition: 'error',
	},
	mediaNeverConnects: {
		suffix: '0006',
		examplePhone: '+14155550006',
		description:
			'Answered, but the media stream never connects: is_completed turns true and the disposition, usage and cost never come',
		connected: true,
		disposition: null,
	},
	neverCompletes: {
		suffix: '0009',
		examplePhone: '+14155550009',
		description:
			'The provider callback never arrives: is_completed stays false for ever and the slot leaks until it goes stale',
		connected: true,
		disposition: null,
	},
	answered: {
		suffix: null,
		examplePhone: '+14155552671',
		description:
			'Any other number: answered; is_completed after the call duration, user_hangup and extracted variables outcomeSettleSeconds later',
		connected: true,
		disposition: 'user_hangup',
	},
} as const;

export type OutcomeKey = keyof typeof OUTCOMES;

export function outcomeForPhone(phone: string): OutcomeKey {
	const lastFour = phone.replace(/\D/g, '').slice(-4);
	const match = (Object.keys(OUTCOMES) as OutcomeKey[]).find(
		(key) => OUTCOMES[key].suffix === lastFour,
	);
	return match ?? 'answered';
}

export const RING_SECONDS = { busy: 5, noAnswer: 15, failedBeforeStart: 1 } as const;

export const PROVIDER_REJECTION_DETAIL =
	'Failed to initiate call: 400: {"code":21211,"message":"The \'To\' number is not a valid phone number."}';

export const QUOTA_EXHAUSTED_DETAIL =
	'You have exhausted your Dograh credits. Please purchase more credits from /billing or change providers in Models configurations.';

/** What the final extraction writes; the summary has line breaks and a Windows path. */
export const EXTRACTED_VARIABLES = {
	appointment_confirmed: true,
	callback_requested: false,
	call_summary:
		'Confirmed the appointment for tomorrow at 10 am.\nNo callback needed.\nNotes filed under C:\\new\\renewals.',
};

export interface TranscriptTurn {
	role: 'assistant' | 'user';
	text: string;
	/** null: an event without a timestamp (the transcript line then has no brackets). */
	at: string | null;
	endAt: string | null;
}

function greetingName(context: JsonObject | null): string {
	const candidate = context?.customer_name ?? context?.name ?? context?.greeting_name;
	return typeof candidate === 'string' && candidate.trim() !== '' ? candidate : 'there';
}

function scriptFor(outcome: OutcomeKey, name: string): Array<[TranscriptTurn['role'], string]> {
	if (outcome === 'voicemail') {
		return [
			['assistant', `Hi ${name}, this is Ava from Sysevo.`],
			['user', `Hi, you have reached ${name}. Please leave a message after the tone.`],
			[
				'assistant',
				`Hi ${name}, this is Ava from Sysevo calling about your appointment. Please call us back. Goodbye.`,
			],
		];
	}
	return [
		[
			'assistant',
			`Hi ${name}, this is Ava from Sysevo. I am calling to confirm your appointment tomorrow at 10 am. Does that still work for you?`,
		],
		['user', 'Yes, that works for me.'],
		['assistant', 'Great, you are all set. Would you like us to call you back before then?'],
		['user', "No, that's fine. Thanks."],
		['assistant', 'Thank you, goodbye!'],
	];
}

/**
 * The conversation of a connected call, spread evenly between answer and hang-up. The last bot
 * line is spoken after the user hung up and carries no timestamp.
 */
export function buildConversation(
	outcome: OutcomeKey,
	context: JsonObject | null,
	answeredAtMs: number,
	endedAtMs: number,
): TranscriptTurn[] {
	const script = scriptFor(outcome, greetingName(context));
	const step = (endedAtMs - answeredAtMs) / (script.length + 1);
	return script.map(([role, text], index) => {
		const startMs = answeredAtMs + step * (index + 1);
		const last = index === script.length - 1 && script.length > 3;
		return {
			role,
			text,
			at: last ? null : new Date(startMs).toISOString(),
			endAt: last ? null : new Date(startMs + step * 0.8).toISOString(),
		};
	});
}

/** `generate_transcript_text` (`api/utils/transcript.py`) over the feedback events. */
export function transcriptText(events: JsonObject[], includeEndTimestamps = false): string {
	const lines: string[] = [];
	for (const event of events) {
		const payload = (event.payload ?? {}) as JsonObject;
		let role: string | undefined;
		if (event.type === 'rtf-user-transcription' && payload.final === true) role = 'user';
		else if (event.type === 'rtf-bot-text') role = 'assistant';
		if (!role) continue;
		const start = String(payload.timestamp || event.timestamp || '');
		const end = includeEndTimestamps ? String(payload.end_timestamp || '') : '';
		const stamp = end ? (start ? `${start} -> ${end}` : end) : start;
		lines.push(`${stamp ? `[${stamp}] ` : ''}${role}: ${String(payload.text ?? '')}\n`);
	}
	return lines.join('');
}

/** `rtf-bot-text` per bot turn; an interim and a final `rtf-user-transcription` per user turn. */
export function realtimeFeedbackEvents(turns: TranscriptTurn[]): JsonObject[] {
	return turns.flatMap((turn, index) => {
		const stamp: JsonObject = turn.at
			? { timestamp: turn.at, turn: index + 1 }
			: { turn: index + 1 };
		const times: JsonObject = turn.at ? { timestamp: turn.at, end_timestamp: turn.endAt } : {};
		if (turn.role === 'assistant') {
			return [{ type: 'rtf-bot-text', payload: { text: turn.text, ...times }, ...stamp }];
		}
		const interim = turn.text.split(' ').slice(0, 2).join(' ');
		return [
			{
				type: 'rtf-user-transcription',
				payload: { text: interim, final: false, ...times },
				...stamp,
			},
			{
				type: 'rtf-user-transcription',
				payload: { text: turn.text, final: true, ...times },
				...stamp,
			},
		];
	});
}

export function pipelineErrorEvent(error: string, at: string): JsonObject {
	return {
		type: 'rtf-pipeline-error',
		payload: { error, fatal: true, processor: 'call_start' },
		timestamp: at,
		turn: 0,
	};
}

/** The pipeline's final write, merged over what the run already had. */
export function connectedGatheredContext(
	base: JsonObject,
	outcome: OutcomeKey,
	disposition: string = OUTCOMES[outcome].disposition ?? 'unknown',
): JsonObject {
	const extracted = outcome === 'answered' ? EXTRACTED_VARIABLES : {};
	return {
		...base,
		...extracted,
		extracted_variables: { ...extracted },
		call_disposition: disposition,
		mapped_call_disposition: disposition,
		call_tags:
			outcome === 'answered' ? ['user_speech', 'user_hangup'] : ['user_speech', disposition],
	};
}

/**
 * `status_processor.py` on a terminal not-connected status, merged over the run's context.
 * Builds before 1.38 wrote the tags only.
 */
export function notConnectedGatheredContext(
	base: JsonObject | null,
	status: string,
	callId: string,
	withDisposition: boolean,
): JsonObject {
	const previous = Array.isArray(base?.call_tags) ? (base.call_tags as string[]) : [];
	const tags = [...previous];
	for (const tag of ['not_connected', `telephony_${status}`])
		if (!tags.includes(tag)) tags.push(tag);
	if (!withDisposition) return { ...(base ?? {}), call_tags: tags };
	return {
		...(base ?? {}),
		call_tags: tags,
		call_disposition: status,
		mapped_call_disposition: status,
		call_id: callId,
	};
}

/** What `mark_workflow_run_failed` writes (merged over what the run already had). */
export function failedGatheredContext(base: JsonObject | null, error: string): JsonObject {
	return {
		...(base ?? {}),
		error,
		call_disposition: 'error',
		mapped_call_disposition: 'error',
	};
}

export function usageInfo(durationSeconds: number): JsonObject {
	const seconds = Math.round(durationSeconds * 10) / 10;
	return {
		llm: { model: 'gpt-4.1-mini', prompt_tokens: 1840, completion_tokens: 212 },
		tts: { provider: 'elevenlabs', characters: 412 },
		stt: { provider: 'deepgram', seconds },
		call_duration_seconds: seconds,
	};
}

/** The billing record (stored `cost_info`); served through `formatPublicCostInfo`. */
export function costInfo(durationSeconds: number): JsonObject {
	return {
		dograh_token_usage: Math.round(durationSeconds * 15) / 100,
		call_duration_seconds: Math.round(durationSeconds),
	};
}

/** `format_public_cost_info` (`api/services/workflow/run_usage_response.py`). */
export function formatPublicCostInfo(
	cost: JsonObject | null,
	usage: JsonObject | null,
): JsonObject | null {
	let duration: number | null = null;
	if (usage && usage.call_duration_seconds !== null && usage.call_duration_seconds !== undefined) {
		duration = Math.round(Number(usage.call_duration_seconds) || 0);
	} else if (
		cost &&
		cost.call_duration_seconds !== null &&
		cost.call_duration_seconds !== undefined
	) {
		duration = Math.round(Number(cost.call_duration_seconds) || 0);
	}
	let tokens = 0;
	if (cost) {
		if ('dograh_token_usage' in cost) tokens = Number(cost.dograh_token_usage) || 0;
		else if ('total_cost_usd' in cost)
			tokens = Math.round(Number(cost.total_cost_usd) * 10000) / 100;
	}
	if (duration === null && tokens === 0) return null;
	return { dograh_token_usage: tokens, call_duration_seconds: duration };
}

/**
 * QA results as `run_integrations.py` stores them: `qa_<node id>` per QA node with per-node
 * results, plus the union of their tags. Comments run over several lines.
 */
export function qaAnnotations(outcome: OutcomeKey): JsonObject {
	const tags = outcome === 'voicemail' ? ['voicemail'] : ['appointment_confirmed', 'polite'];
	return {
		qa_qa1: {
			node_results: {
				start: {
					tags: tags.map((tag) => ({ tag, reason: `Matched rule "${tag}".` })),
					comment:
						outcome === 'voicemail'
							? 'Left a voicemail.\nNo personal data was read out.'
							: 'Greeted the customer by name.\nConfirmed date and time.\nDid not offer the "early slot" (see C:\\new\\scripts).',
					score: outcome === 'voicemail' ? 3 : 5,
				},
			},
			model: 'gpt-4.1-mini',
			token_usage: { prompt_tokens: 920, completion_tokens: 88, total_tokens: 1008 },
		},
		tags: [...tags].sort(),
	};
}
