/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { featuresOf, type PlatformFeatures } from './platform';
import { pythonJsonDumps } from './pyjson';
import { renderTemplate } from './template';
import type { TimerRegistry } from './timers';
import type {
	AgentWebhook,
	JsonObject,
	ResolvedOptions,
	RunRecord,
	WebhookAttempt,
	WebhookCredential,
	WebhookDelivery,
} from './types';

/** The payload template the Sysevo Trigger (and docs/trigger.md) tells users to paste into the Webhook node. */
export const DEFAULT_PAYLOAD_TEMPLATE = {
	workflow_run_id: '{{workflow_run_id}}',
	workflow_run_name: '{{workflow_run_name}}',
	workflow_id: '{{workflow_id}}',
	workflow_name: '{{workflow_name}}',
	campaign_id: '{{campaign_id}}',
	call_time: '{{call_time}}',
	initial_context: '{{initial_context}}',
	gathered_context: '{{gathered_context}}',
	cost_info: '{{cost_info}}',
	annotations: '{{annotations}}',
	recording_url: '{{recording_url}}',
	transcript_url: '{{transcript_url}}',
};

/** `DEFAULT_WEBHOOK_DELIVERY_CONFIG` in `api/constants.py` (seconds are simulated). */
export const WEBHOOK_DELIVERY = {
	maxAttempts: 5,
	baseDelaySeconds: 30,
	maxDelaySeconds: 600,
	timeoutSeconds: 30,
};

/** `_RETRYABLE_STATUS_CODES` in `api/tasks/webhook_delivery.py`: not every 5xx. */
export const RETRYABLE_STATUS_CODES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** `_SECRET_HEADER_MARKERS` in `api/tasks/run_integrations.py`. */
const SECRET_HEADER_MARKERS = [
	'authorization',
	'auth',
	'token',
	'secret',
	'password',
	'passwd',
	'cookie',
	'credential',
	'api-key',
	'apikey',
	'api_key',
	'access-key',
];

/** Below this a loopback receiver could look dead on a busy machine. */
const MIN_TIMEOUT_MS = 1000;

/** `_build_render_context`: the variables a payload template can use. */
export function buildRenderContext(
	run: RunRecord,
	workflowName: string | null,
	publicUrlBase: string | null,
): JsonObject {
	const url = (present: boolean, type: string, key: string | null) =>
		publicUrlBase ? (present ? `${publicUrlBase}/${type}` : null) : key;
	return {
		workflow_run_id: run.id,
		workflow_run_name: run.name,
		workflow_id: run.workflow_id,
		workflow_name: workflowName,
		campaign_id: run.campaign_id,
		call_time: pythonIsoformat(run.created_at),
		initial_context: run.initial_context ?? {},
		gathered_context: run.gathered_context ?? {},
		cost_info: run.usage_info ?? {},
		annotations: run.annotations ?? {},
		extra: {},
		recording_url: url(run.recording_url !== null, 'recording', run.recording_url),
		transcript_url: url(run.transcript_url !== null, 'transcript', run.transcript_url),
		user_recording_url: url(
			run.user_recording_url !== null,
			'user_recording',
			run.user_recording_url,
		),
		bot_recording_url: url(run.bot_recording_url !== null, 'bot_recording', run.bot_recording_url),
	};
}

/** `datetime.isoformat()` of an aware UTC datetime: `+00:00`, not pydantic's `Z`. */
function pythonIsoformat(createdAt: string): string {
	return createdAt.replace(/Z$/, '+00:00');
}

/** `_build_webhook_payload`: rendered once, so every retry sends the same bytes. */
export function buildWebhookPayload(
	template: unknown,
	context: JsonObject,
	features: PlatformFeatures,
): unknown {
	const payload = renderTemplate(template ?? {}, context);
	if (
		features.webhookAddsDisposition &&
		typeof payload === 'object' &&
		payload !== null &&
		!Array.isArray(payload) &&
		!('call_disposition' in payload)
	) {
		const gathered = context.gathered_context as JsonObject;
		(payload as JsonObject).call_disposition = gathered.call_disposition ?? '';
	}
	return payload;
}

export function looksLikeSecretHeader(name: string): boolean {
	const normalized = name.trim().toLowerCase();
	return SECRET_HEADER_MARKERS.some((marker) => normalized.includes(marker));
}

/** `build_auth_header` in `api/utils/credential_auth.py`. */
export function credentialHeaders(
	credential: WebhookCredential | undefined,
): Record<string, string> {
	switch (credential?.type) {
		case 'bearer_token':
			return { Authorization: `Bearer ${credential.token}` };
		case 'basic_auth':
			return {
				Authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`,
			};
		case 'api_key':
			return { [credential.headerName ?? 'X-API-Key']: credential.apiKey };
		case 'custom_header':
			return { [credential.headerName ?? 'X-Custom']: credential.headerValue };
		default:
			return {};
	}
}

/** `_backoff_seconds`: 30, 60, 120, 240, ... capped at 600. */
export function backoffSeconds(attempt: number): number {
	return Math.min(
		WEBHOOK_DELIVERY.baseDelaySeconds * 2 ** (attempt - 1),
		WEBHOOK_DELIVERY.maxDelaySeconds,
	);
}

interface QueuedDelivery {
	record: WebhookDelivery;
	hook: AgentWebhook;
	durable: boolean;
}

/**
 * Sends agent Webhook node deliveries. From 1.40 (`api/tasks/webhook_delivery.py`) each one is
 * a durable record: a stable delivery id, up to five attempts with backoff on transient
 * failures, and a dead letter for everything else. Before, one POST and no record of failure.
 */
export class WebhookDispatcher {
	readonly deliveries: WebhookDelivery[] = [];
	private readonly inflight = new Set<ClientRequest>();
	/** Bumped by reset(), so answers to requests it cut off schedule nothing. */
	private generation = 0;

	constructor(private readonly deps: { timers: TimerRegistry; options(): ResolvedOptions }) {}

	enqueue(run: RunRecord, hook: AgentWebhook, context: JsonObject): WebhookDelivery {
		const features = featuresOf(this.deps.options().platformVersion);
		const method = (hook.method ?? 'POST').toUpperCase();
		const record: WebhookDelivery = {
			deliveryId: randomUUID(),
			workflowRunId: run.id,
			url: hook.url,
			method,
			payload: buildWebhookPayload(
				hook.payloadTemplate ?? DEFAULT_PAYLOAD_TEMPLATE,
				context,
				features,
			),
			state: 'pending',
			attempts: [],
		};
		this.deliveries.push(record);
		this.attempt({ record, hook, durable: features.durableWebhooks });
		return record;
	}

	reset(): void {
		this.generation += 1;
		for (const request of this.inflight) request.destroy();
		this.inflight.clear();
		this.deliveries.length = 0;
	}

	private headersFor(queued: QueuedDelivery, attempt: number): Record<string, string> {
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			...credentialHeaders(queued.hook.credential),
		};
		for (const [name, value] of Object.entries(queued.hook.headers ?? {})) {
			if (!name || !value) continue;
			if (queued.durable && looksLikeSecretHeader(name)) continue;
			headers[name] = value;
		}
		if (queued.durable) {
			headers['X-Dograh-Delivery-Id'] = queued.record.deliveryId;
			headers['X-Dograh-Workflow-Run-Id'] = String(queued.record.workflowRunId);
			headers['X-Dograh-Delivery-Attempt'] = String(attempt);
		}
		return headers;
	}

	private attempt(queued: QueuedDelivery): void {
		const { record } = queued;
		const number = record.attempts.length + 1;
		const headers = this.headersFor(queued, number);
		// httpx's `json=` encodes compactly without ASCII escaping.
		const body = ['POST', 'PUT', 'PATCH'].includes(record.method)
			? pythonJsonDumps(record.payload, { compact: true, ensureAscii: false })
			: undefined;
		const entry: WebhookAttempt = {
			attempt: number,
			at: Date.now(),
			headers,
			body,
			status: null,
			error: null,
		};
		record.attempts.push(entry);
		this.send(record, headers, body, (status, error) => {
			entry.status = status;
			entry.error = error;
			this.settle(queued, number, status);
		});
	}

	private settle(queued: QueuedDelivery, attempt: number, status: number | null): void {
		const { record } = queued;
		if (status !== null && status >= 200 && status < 300) {
			record.state = 'succeeded';
			return;
		}
		if (!queued.durable) {
			record.state = 'failed';
			return;
		}
		const transient = status === null || RETRYABLE_STATUS_CODES.has(status);
		if (!transient || attempt >= WEBHOOK_DELIVERY.maxAttempts) {
			record.state = 'dead_letter';
			return;
		}
		const delayMs = backoffSeconds(attempt) * 1000 * this.deps.options().timeScale;
		this.deps.timers.after(delayMs, () => this.attempt(queued));
	}

	private send(
		record: WebhookDelivery,
		headers: Record<string, string>,
		body: string | undefined,
		done: (status: number | null, error: string | null) => void,
	): void {
		let target: URL;
		try {
			target = new URL(record.url);
		} catch {
			done(null, 'InvalidURL');
			return;
		}
		let finished = false;
		const generation = this.generation;
		const finish = (status: number | null, error: string | null) => {
			if (finished || generation !== this.generation) return;
			finished = true;
			this.inflight.delete(request);
			done(status, error);
		};
		const timeoutMs = Math.max(
			MIN_TIMEOUT_MS,
			WEBHOOK_DELIVERY.timeoutSeconds * 1000 * this.deps.options().timeScale,
		);
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		const request = send(target, {
			method: record.method,
			agent: false,
			timeout: timeoutMs,
			headers: {
				...headers,
				...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
			},
		});
		this.inflight.add(request);
		request.on('response', (response) => {
			response.resume();
			response.on('end', () => finish(response.statusCode ?? null, null));
			response.on('error', () => finish(null, 'ReadError'));
		});
		request.on('timeout', () => {
			request.destroy();
			finish(null, 'ReadTimeout');
		});
		request.on('error', (error) => finish(null, `ConnectError: ${error.message}`));
		request.end(body);
	}
}
