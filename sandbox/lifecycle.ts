/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { artifactKeys, findAgent, isoMicros, silentWav } from './data';
import {
	buildConversation,
	connectedGatheredContext,
	costInfo,
	failedGatheredContext,
	notConnectedGatheredContext,
	pipelineErrorEvent,
	PRE_CALL_FAILURE_ERROR,
	realtimeFeedbackEvents,
	RING_SECONDS,
	transcriptText,
	usageInfo,
	type OutcomeKey,
	type TranscriptTurn,
} from './outcomes';
import type { SandboxStore } from './store';
import type { TimerRegistry } from './timers';
import type { JsonObject, ResolvedOptions, RunRecord } from './types';

export interface SimulatorDeps {
	store: SandboxStore;
	timers: TimerRegistry;
	options(): ResolvedOptions;
	origin(): string;
}

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Plays a placed call forward in simulated time: status callbacks, completion, then (per the
 * contract's "Timing") feedback events, artifact upload, and post-run integrations.
 */
export class CallSimulator {
	/** runId -> organizationId of calls holding a concurrency slot. */
	private readonly live = new Map<number, number>();
	private readonly deliveries = new Set<ClientRequest>();

	constructor(private readonly deps: SimulatorDeps) {}

	liveCalls(organizationId: number): number {
		return [...this.live.values()].filter((org) => org === organizationId).length;
	}

	reset(): void {
		this.live.clear();
		for (const delivery of this.deliveries) delivery.destroy();
		this.deliveries.clear();
	}

	/** Called after the provider accepted the dial (the trigger's 200). */
	place(run: RunRecord, outcome: OutcomeKey): void {
		const callId = String(run.gathered_context?.call_id);
		this.live.set(run.id, run.organization_id);
		this.callback(run, 'initiated', callId);
		if (outcome === 'failedBeforeStart') {
			this.at(RING_SECONDS.failedBeforeStart, () => this.failBeforeStart(run, callId));
			return;
		}
		if (outcome === 'busy' || outcome === 'noAnswer') {
			this.ringThenGiveUp(run, outcome, callId);
			return;
		}
		this.connect(run, outcome, callId);
	}

	/** `mark_workflow_run_failed`: the rejection path of the trigger (quota, provider). */
	markFailed(run: RunRecord, error: string): void {
		this.live.delete(run.id);
		run.is_completed = true;
		run.usage_info = { call_duration_seconds: 0 };
		run.gathered_context = failedGatheredContext(run.gathered_context, error);
		run.logs = {
			...(run.logs ?? {}),
			realtime_feedback_events: [pipelineErrorEvent(error, new Date().toISOString())],
		};
		this.at(0.5, () => this.runIntegrations(run));
	}

	private ringThenGiveUp(run: RunRecord, outcome: 'busy' | 'noAnswer', callId: string): void {
		const ringSeconds = RING_SECONDS[outcome];
		const status = outcome === 'busy' ? 'busy' : 'no-answer';
		this.at(Math.min(1, ringSeconds / 5), () => this.callback(run, 'ringing', callId));
		this.at(ringSeconds, () => {
			this.live.delete(run.id);
			this.callback(run, status, callId, 0);
			run.gathered_context = notConnectedGatheredContext(status, callId);
			run.is_completed = true;
			this.at(0.5, () => this.runIntegrations(run));
		});
	}

	private failBeforeStart(run: RunRecord, callId: string): void {
		this.callback(run, 'failed', callId, 0);
		this.markFailed(run, PRE_CALL_FAILURE_ERROR);
	}

	private connect(run: RunRecord, outcome: OutcomeKey, callId: string): void {
		const duration = this.deps.options().callDurationSeconds;
		const ringAt = Math.min(1, duration * 0.1);
		const answerAt = Math.min(3, duration * 0.2);
		const startedAt = Date.now();
		this.at(ringAt, () => this.callback(run, 'ringing', callId));
		this.at(answerAt, () => this.callback(run, 'answered', callId));
		this.at(duration, () => {
			this.live.delete(run.id);
			// 0009: the completion callback never arrives; only the slot is freed.
			if (outcome === 'neverCompletes') return;
			const talkSeconds = duration - answerAt;
			const turns = buildConversation(
				outcome,
				run.initial_context,
				startedAt + this.ms(answerAt),
				Date.now(),
			);
			this.complete(run, outcome, callId, talkSeconds, turns);
		});
	}

	private complete(
		run: RunRecord,
		outcome: OutcomeKey,
		callId: string,
		talkSeconds: number,
		turns: TranscriptTurn[],
	): void {
		this.callback(run, 'completed', callId, Math.round(talkSeconds));
		run.gathered_context = connectedGatheredContext(run.gathered_context ?? {}, outcome, run.mode);
		run.usage_info = usageInfo(talkSeconds);
		run.cost_info = costInfo(talkSeconds);
		run.duration_seconds = talkSeconds;
		run.is_completed = true;
		const delay = this.deps.options().transcriptDelaySeconds;
		this.at(delay * 0.3, () => {
			run.logs = { ...(run.logs ?? {}), realtime_feedback_events: realtimeFeedbackEvents(turns) };
		});
		this.at(delay, () => {
			this.uploadArtifacts(run, turns);
			this.at(Math.min(1, delay * 0.2), () => this.runIntegrations(run));
		});
	}

	private uploadArtifacts(run: RunRecord, turns: TranscriptTurn[]): void {
		const keys = artifactKeys(run.id);
		const { artifacts } = this.deps.store;
		artifacts.set(keys.transcript, {
			contentType: 'text/plain; charset=utf-8',
			body: Buffer.from(transcriptText(turns)),
		});
		run.transcript_url = keys.transcript;
		run.recording_url = keys.recording;
		artifacts.set(keys.recording, { contentType: 'audio/wav', body: silentWav() });
		if (this.deps.options().legacyRunShape) return;
		run.user_recording_url = keys.user;
		run.bot_recording_url = keys.bot;
		artifacts.set(keys.user, { contentType: 'audio/wav', body: silentWav() });
		artifacts.set(keys.bot, { contentType: 'audio/wav', body: silentWav() });
	}

	/** QA, billing and webhooks run last; billing may still change `cost_info`. */
	private runIntegrations(run: RunRecord): void {
		run.annotations = run.annotations ?? {};
		if (run.cost_info && typeof run.cost_info.dograh_token_usage === 'number') {
			run.cost_info = {
				...run.cost_info,
				dograh_token_usage: run.cost_info.dograh_token_usage + 0.4,
			};
		}
		const target = this.deps.store.webhooks.get(run.workflow_id);
		if (!target) return;
		this.deps.store.ensurePublicToken(run);
		this.post(target.url, target.headers, this.webhookPayload(run));
	}

	private webhookPayload(run: RunRecord): JsonObject {
		const url = (key: string | null, type: string) =>
			key && run.public_access_token
				? `${this.deps.origin()}/api/v1/public/download/workflow/${run.public_access_token}/${type}`
				: null;
		return {
			workflow_run_id: run.id,
			workflow_run_name: run.name,
			workflow_id: run.workflow_id,
			workflow_name: findAgent(run.workflow_id)?.name ?? null,
			campaign_id: null,
			call_time: run.created_at,
			initial_context: run.initial_context,
			gathered_context: run.gathered_context,
			cost_info: run.usage_info,
			annotations: run.annotations,
			extra: {},
			recording_url: url(run.recording_url, 'recording'),
			transcript_url: url(run.transcript_url, 'transcript'),
			user_recording_url: url(run.user_recording_url, 'user_recording'),
			bot_recording_url: url(run.bot_recording_url, 'bot_recording'),
			call_disposition: run.gathered_context?.call_disposition ?? null,
		};
	}

	/** Best-effort delivery; failures are ignored (the sandbox does not retry). */
	private post(url: string, headers: Record<string, string>, payload: JsonObject): void {
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			return;
		}
		const body = JSON.stringify(payload);
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		const delivery = send(target, {
			method: 'POST',
			agent: false,
			timeout: WEBHOOK_TIMEOUT_MS,
			headers: {
				...headers,
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(body),
			},
		});
		this.deliveries.add(delivery);
		const forget = () => this.deliveries.delete(delivery);
		delivery.on('response', (response) => {
			response.resume();
			response.on('end', forget);
		});
		delivery.on('timeout', () => delivery.destroy());
		delivery.on('error', forget);
		delivery.on('close', forget);
		delivery.end(body);
	}

	private callback(
		run: RunRecord,
		status: string,
		callId: string,
		duration: number | null = null,
	): void {
		const logs = run.logs ?? {};
		const callbacks = Array.isArray(logs.telephony_status_callbacks)
			? logs.telephony_status_callbacks
			: [];
		run.logs = {
			...logs,
			telephony_status_callbacks: [
				...callbacks,
				{ status, timestamp: isoMicros(new Date()), call_id: callId, duration },
			],
		};
	}

	private at(simulatedSeconds: number, callback: () => void): void {
		this.deps.timers.after(this.ms(simulatedSeconds), callback);
	}

	private ms(simulatedSeconds: number): number {
		return simulatedSeconds * 1000 * this.deps.options().timeScale;
	}
}
