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
			'Trigger answers 200, then the run completes almost at once with gathered_context.error',
		connected: false,
		disposition: 'error',
	},
	providerRejected: {
		suffix: '0005',
		examplePhone: '+14155550005',
		description:
			"Trigger answers 400 'Failed to initiate call: ...'; the run exists, completed with error",
		connected: false,
		disposition: 'error',
	},
	neverCompletes: {
		suffix: '0009',
		examplePhone: '+14155550009',
		description: 'The provider callback never arrives: is_completed stays false forever',
		connected: true,
		disposition: null,
	},
	answered: {
		suffix: null,
		examplePhone: '+14155552671',
		description: 'Any other number: answered, completes after the call duration with user_hangup',
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

export const PRE_CALL_FAILURE_ERROR =
	"Call failed before it started: the telephony provider reported status 'failed'";

export const QUOTA_EXHAUSTED_DETAIL =
	'You have exhausted your Dograh credits. Please purchase more credits from /billing or change providers in Models configurations.';

export const EXTRACTED_VARIABLES = { appointment_confirmed: true, callback_requested: false };

export interface TranscriptTurn {
	role: 'assistant' | 'user';
	text: string;
	at: string;
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

/** The conversation of a connected call, spread evenly between answer and hang-up. */
export function buildConversation(
	outcome: OutcomeKey,
	context: JsonObject | null,
	answeredAtMs: number,
	endedAtMs: number,
): TranscriptTurn[] {
	const script = scriptFor(outcome, greetingName(context));
	const step = (endedAtMs - answeredAtMs) / (script.length + 1);
	return script.map(([role, text], index) => ({
		role,
		text,
		at: new Date(answeredAtMs + step * (index + 1)).toISOString(),
	}));
}

export function transcriptText(turns: TranscriptTurn[]): string {
	return turns.map((turn) => `[${turn.at}] ${turn.role}: ${turn.text}\n`).join('');
}

/** `rtf-bot-text` per bot turn; an interim and a final `rtf-user-transcription` per user turn. */
export function realtimeFeedbackEvents(turns: TranscriptTurn[]): JsonObject[] {
	return turns.flatMap((turn, index) => {
		const stamp = { timestamp: turn.at, turn: index + 1 };
		if (turn.role === 'assistant') {
			return [{ type: 'rtf-bot-text', payload: { text: turn.text, timestamp: turn.at }, ...stamp }];
		}
		const interim = turn.text.split(' ').slice(0, 2).join(' ');
		return [
			{
				type: 'rtf-user-transcription',
				payload: { text: interim, final: false, timestamp: turn.at },
				...stamp,
			},
			{
				type: 'rtf-user-transcription',
				payload: { text: turn.text, final: true, timestamp: turn.at },
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

export function connectedGatheredContext(
	base: JsonObject,
	outcome: OutcomeKey,
	provider: string,
): JsonObject {
	const disposition = OUTCOMES[outcome].disposition ?? 'unknown';
	const extracted = outcome === 'answered' ? EXTRACTED_VARIABLES : {};
	return {
		...base,
		provider,
		triggered_by: 'api',
		...extracted,
		extracted_variables: { ...extracted },
		call_disposition: disposition,
		mapped_call_disposition: disposition,
		call_tags:
			outcome === 'answered' ? ['user_speech', 'user_hangup'] : ['user_speech', disposition],
	};
}

export function notConnectedGatheredContext(disposition: string, callId: string): JsonObject {
	return {
		call_tags: ['not_connected', `telephony_${disposition}`],
		call_disposition: disposition,
		mapped_call_disposition: disposition,
		call_id: callId,
	};
}

/** What Dograh's `mark_workflow_run_failed` writes (merged over what the run already had). */
export function failedGatheredContext(base: JsonObject | null, error: string): JsonObject {
	return {
		...(base ?? {}),
		error,
		call_disposition: 'error',
		mapped_call_disposition: 'error',
		call_status: 'error',
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

export function costInfo(durationSeconds: number): JsonObject {
	return {
		dograh_token_usage: Math.round(durationSeconds * 15) / 100,
		call_duration_seconds: Math.round(durationSeconds),
	};
}
