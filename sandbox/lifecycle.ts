import type { SlotRegistry } from './concurrency';
import { artifactKeys, findAgent, isoMicros, silentWav } from './data';
import {
	buildConversation,
	connectedGatheredContext,
	costInfo,
	failedGatheredContext,
	notConnectedGatheredContext,
	pipelineErrorEvent,
	qaAnnotations,
	realtimeFeedbackEvents,
	RING_SECONDS,
	transcriptText,
	usageInfo,
	type OutcomeKey,
	type TranscriptTurn,
} from './outcomes';
import { featuresOf, type PlatformFeatures } from './platform';
import type { SandboxStore } from './store';
import type { TimerRegistry } from './timers';
import type { ResolvedOptions, RunRecord } from './types';
import { buildRenderContext, type WebhookDispatcher } from './webhooks';

export interface SimulatorDeps {
	store: SandboxStore;
	timers: TimerRegistry;
	slots: SlotRegistry;
	webhooks: WebhookDispatcher;
	options(): ResolvedOptions;
	origin(): string;
}

/** `qa_min_call_duration` of the seeded agents' QA node. */
const QA_MIN_CALL_SECONDS = 5;

/**
 * Plays a call forward in simulated time, in the platform's order:
 * 1. carrier status callbacks; the `completed` one sets `is_completed` and frees the slot
 *    (`api/services/telephony/status_processor.py`);
 * 2. `outcomeSettleSeconds` later the pipeline's final write: disposition, tags, extracted
 *    variables and `usage_info` (`pipecat_engine.py`, `event_handlers.py`);
 * 3. feedback events, then transcript and recordings;
 * 4. post-call integrations: QA `annotations`, billing, the agent's Webhook node.
 */
export class CallSimulator {
	constructor(private readonly deps: SimulatorDeps) {}

	private get features(): PlatformFeatures {
		return featuresOf(this.deps.options().platformVersion);
	}

	liveCalls(organizationId: number): number {
		return this.deps.slots.live(organizationId);
	}

	reset(): void {
		this.deps.slots.reset();
		this.deps.webhooks.reset();
	}

	/** Called after the provider accepted the dial (the trigger's 200); the run holds a slot. */
	place(run: RunRecord, outcome: OutcomeKey): void {
		const callId = String(run.gathered_context?.call_id);
		this.callback(run, 'initiated', callId);
		switch (outcome) {
			case 'busy':
				this.ringThenGiveUp(run, 'busy', RING_SECONDS.busy, callId);
				return;
			case 'noAnswer':
				this.ringThenGiveUp(run, 'no-answer', RING_SECONDS.noAnswer, callId);
				return;
			case 'failedBeforeStart':
				this.ringThenGiveUp(run, 'failed', RING_SECONDS.failedBeforeStart, callId);
				return;
			default:
				this.connect(run, outcome, callId);
		}
	}

	/**
	 * A run from another channel that is live now. Telephony channels behave like API calls;
	 * browser tests and chats have no carrier, so the pipeline completes them in one write.
	 */
	startForeign(run: RunRecord, telephony: boolean): void {
		if (telephony) {
			const callId = String(run.gathered_context?.call_id ?? '');
			this.callback(run, 'initiated', callId);
			this.connect(run, 'answered', callId);
			return;
		}
		const duration = this.deps.options().callDurationSeconds;
		const startedAt = Date.now();
		this.at(duration, () => {
			this.deps.slots.releaseRun(run.id);
			const turns = buildConversation('answered', run.initial_context, startedAt, Date.now());
			run.is_completed = true;
			this.writeOutcome(
				run,
				'answered',
				duration,
				run.mode === 'textchat' ? 'end_call' : undefined,
			);
			this.afterOutcome(run, 'answered', turns);
		});
	}

	/**
	 * `mark_workflow_run_failed` after a 402 or 400 on the trigger: from 1.44 the run completes
	 * with the error and integrations run; before, the run stays open for ever.
	 */
	markFailed(run: RunRecord, error: string): void {
		this.deps.slots.releaseRun(run.id);
		if (!this.features.failedInitiationCompletesRun) return;
		run.is_completed = true;
		run.usage_info = { call_duration_seconds: 0 };
		run.gathered_context = failedGatheredContext(run.gathered_context, error);
		run.logs = {
			...(run.logs ?? {}),
			realtime_feedback_events: [pipelineErrorEvent(error, new Date().toISOString())],
		};
		this.at(0.5, () => this.runIntegrations(run, null));
	}

	private ringThenGiveUp(
		run: RunRecord,
		status: string,
		ringSeconds: number,
		callId: string,
	): void {
		this.at(Math.min(1, ringSeconds / 5), () => this.callback(run, 'ringing', callId));
		this.at(ringSeconds, () => {
			this.callback(run, status, callId, '0');
			this.deps.slots.releaseRun(run.id);
			const { notConnectedDisposition } = this.features;
			run.gathered_context = notConnectedGatheredContext(
				run.gathered_context,
				status,
				callId,
				notConnectedDisposition,
			);
			run.is_completed = true;
			// Builds before 1.38 ran no integrations for calls that never connected.
			if (!notConnectedDisposition) return;
			run.usage_info = { call_duration_seconds: 0 };
			this.at(0.5, () => this.runIntegrations(run, null));
		});
	}

	private connect(run: RunRecord, outcome: OutcomeKey, callId: string): void {
		const options = this.deps.options();
		const duration = options.callDurationSeconds;
		const ringAt = Math.min(1, duration * 0.1);
		const answerAt = Math.min(3, duration * 0.2);
		const startedAt = Date.now();
		this.at(ringAt, () => this.callback(run, 'ringing', callId));
		this.at(answerAt, () => this.callback(run, 'answered', callId));
		// 0009: the completion callback never arrives and the slot is never given back.
		if (outcome === 'neverCompletes') return;
		this.at(duration, () => {
			const talkSeconds = duration - answerAt;
			this.callback(run, 'completed', callId, String(Math.round(talkSeconds)));
			this.deps.slots.releaseRun(run.id);
			run.is_completed = true;
			// 0006: the media stream never connected, so no pipeline ever writes an outcome.
			if (outcome === 'mediaNeverConnects') return;
			const turns = buildConversation(
				outcome,
				run.initial_context,
				startedAt + this.ms(answerAt),
				Date.now(),
			);
			this.at(this.deps.options().outcomeSettleSeconds, () => {
				this.writeOutcome(run, outcome, talkSeconds);
				this.afterOutcome(run, outcome, turns);
			});
		});
	}

	private writeOutcome(
		run: RunRecord,
		outcome: OutcomeKey,
		talkSeconds: number,
		disposition?: string,
	): void {
		run.gathered_context = connectedGatheredContext(
			run.gathered_context ?? {},
			outcome,
			disposition,
		);
		run.usage_info = usageInfo(talkSeconds);
		run.cost_info = costInfo(talkSeconds);
		run.duration_seconds = talkSeconds;
	}

	private afterOutcome(run: RunRecord, outcome: OutcomeKey, turns: TranscriptTurn[]): void {
		const delay = this.deps.options().transcriptDelaySeconds;
		this.at(delay * 0.3, () => {
			run.logs = { ...(run.logs ?? {}), realtime_feedback_events: realtimeFeedbackEvents(turns) };
		});
		this.at(delay, () => {
			if (run.mode !== 'textchat') this.uploadArtifacts(run);
			this.at(Math.min(1, delay * 0.2), () => this.runIntegrations(run, outcome));
		});
	}

	private uploadArtifacts(run: RunRecord): void {
		const keys = artifactKeys(run.id);
		const { artifacts } = this.deps.store;
		const events = (run.logs?.realtime_feedback_events ?? []) as Array<Record<string, unknown>>;
		const withEnds = findAgent(run.workflow_id)?.transcriptEndTimestamps ?? false;
		artifacts.set(keys.transcript, {
			contentType: 'text/plain; charset=utf-8',
			body: Buffer.from(transcriptText(events, withEnds)),
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

	/**
	 * `run_integrations_post_workflow_run`: QA first (stored in `annotations`), billing may
	 * still change the cost, then the agent's Webhook node with the annotations in its context.
	 * `outcome` is null for runs that never connected (QA skips them: too short).
	 */
	private runIntegrations(run: RunRecord, outcome: OutcomeKey | null): void {
		const seconds = Number(run.usage_info?.call_duration_seconds ?? 0);
		const qa =
			outcome === null || seconds < QA_MIN_CALL_SECONDS
				? {
						qa_qa1: {
							skipped: true,
							reason: `call duration (${seconds.toFixed(1)}s) below minimum (${QA_MIN_CALL_SECONDS}s)`,
						},
					}
				: qaAnnotations(outcome);
		run.annotations = { ...(run.annotations ?? {}), ...qa };
		if (run.cost_info && typeof run.cost_info.dograh_token_usage === 'number') {
			run.cost_info = {
				...run.cost_info,
				dograh_token_usage: Math.round((run.cost_info.dograh_token_usage + 0.4) * 100) / 100,
			};
		}
		const hook = this.deps.store.webhooks.get(run.workflow_id);
		if (!hook) return;
		this.deps.store.ensurePublicToken(run);
		const base = run.public_access_token
			? `${this.deps.origin()}/api/v1/public/download/workflow/${run.public_access_token}`
			: null;
		const context = buildRenderContext(run, findAgent(run.workflow_id)?.name ?? null, base);
		this.deps.webhooks.enqueue(run, hook, context);
	}

	private callback(
		run: RunRecord,
		status: string,
		callId: string,
		duration: string | null = null,
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
