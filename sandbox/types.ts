import { DEFAULT_PLATFORM_VERSION, type PlatformVersion } from './platform';

export interface SandboxOptions {
	host?: string;
	port?: number;
	timeScale?: number;
	latencyMs?: number;
	concurrencyLimit?: number;
	callDurationSeconds?: number;
	transcriptDelaySeconds?: number;
	legacyRunShape?: boolean;
	authStyle?: 'hosted' | 'oss';
	quotaExhausted?: boolean;
	telephony?: 'ready' | 'none';
	/** The platform build to play (`sandbox/platform.ts`). */
	platformVersion?: PlatformVersion;
	/** Seconds between a connected call's `is_completed` and its outcome being written. */
	outcomeSettleSeconds?: number;
}

export type ResolvedOptions = Required<SandboxOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
	host: '127.0.0.1',
	port: 0,
	timeScale: 1,
	latencyMs: 0,
	concurrencyLimit: 10,
	callDurationSeconds: 30,
	transcriptDelaySeconds: 3,
	legacyRunShape: false,
	authStyle: 'hosted',
	quotaExhausted: false,
	telephony: 'ready',
	platformVersion: DEFAULT_PLATFORM_VERSION,
	outcomeSettleSeconds: 4,
};

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	rawBody: string;
	at: number;
}

export type FaultKind =
	| 'text500'
	| 'html502'
	| 'json503'
	| 'resetBeforeRead'
	| 'resetAfterRead'
	| 'hang'
	| 'malformedJson'
	| 'slowBody';

export type FaultRoute = 'trigger' | 'getRun' | 'listAgents' | 'listRuns' | 'download' | 'any';

export interface FaultSpec {
	kind: FaultKind;
	route?: FaultRoute;
	/** Default 1; Infinity allowed. */
	times?: number;
	/** Only trigger requests whose body has this phone_number. */
	phone?: string;
	/** slowBody: total time to dribble the body. */
	delayMs?: number;
}

export type JsonObject = Record<string, unknown>;

export type TriggerMode = 'production' | 'test';

/** One stored workflow run. Field names follow the API (snake_case) so serialising is a pick. */
export interface RunRecord {
	id: number;
	workflow_id: number;
	organization_id: number;
	name: string;
	mode: string;
	created_at: string;
	is_completed: boolean;
	transcript_url: string | null;
	recording_url: string | null;
	user_recording_url: string | null;
	bot_recording_url: string | null;
	public_access_token: string | null;
	cost_info: JsonObject | null;
	usage_info: JsonObject | null;
	definition_id: number | null;
	initial_context: JsonObject | null;
	gathered_context: JsonObject | null;
	call_type: 'inbound' | 'outbound';
	logs: JsonObject | null;
	annotations: JsonObject | null;
	campaign_id: number | null;
	/** Sandbox bookkeeping, never served. */
	source: RunSource;
	phone_number: string;
	trigger_mode: TriggerMode;
	/** Call duration in seconds once known (for the `duration` filter and sort). */
	duration_seconds: number | null;
}

/** Who placed a run: the API, or one of the channels the platform runs beside it. */
export type RunSource = 'api' | ForeignRunKind;

export type ForeignRunKind = 'editorPhoneTest' | 'webTest' | 'textChat' | 'inbound' | 'campaign';

/** The agent Webhook node's credential (`api/utils/credential_auth.py`). */
export type WebhookCredential =
	| { type: 'bearer_token'; token: string }
	| { type: 'basic_auth'; username: string; password: string }
	| { type: 'api_key'; headerName?: string; apiKey: string }
	| { type: 'custom_header'; headerName?: string; headerValue: string };

/** An agent's Webhook node. */
export interface AgentWebhook {
	url: string;
	method?: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
	/** Custom headers; from 1.40 the platform drops names that look like secrets. */
	headers?: Record<string, string>;
	credential?: WebhookCredential;
	/** The node's `payload_template`; the Sysevo Trigger's template when omitted. */
	payloadTemplate?: unknown;
}

export interface WebhookAttempt {
	attempt: number;
	at: number;
	headers: Record<string, string>;
	/** The body as sent (undefined for GET/DELETE). */
	body: string | undefined;
	status: number | null;
	error: string | null;
}

export interface WebhookDelivery {
	deliveryId: string;
	workflowRunId: number;
	url: string;
	method: string;
	/** The rendered payload, fixed at enqueue time so every retry sends the same. */
	payload: unknown;
	state: 'pending' | 'succeeded' | 'dead_letter' | 'failed';
	attempts: WebhookAttempt[];
}

export interface ForeignRunOptions {
	/** `webTest` only: `smallwebrtc` (default) or `webrtc`. */
	mode?: 'smallwebrtc' | 'webrtc';
	/** The phone number dialled (editor test, campaign) or calling in (inbound). */
	phone?: string;
	/** Campaign context variables. */
	context?: JsonObject;
}

export interface SandboxStats {
	triggerRequests: Record<string, number>;
	dials: Record<string, number>;
	liveCalls: number;
	/** The most calls that were live at once since the last reset. */
	maxLiveCalls: number;
	runs: number;
	requests: number;
	webhookDeliveries: number;
}

export interface Sandbox {
	baseUrl: string;
	origin: string;
	storageOrigin: string;
	apiKey: string;
	configure(options: Partial<SandboxOptions>): void;
	requests: RecordedRequest[];
	storageRequests: RecordedRequest[];
	clearRequests(): void;
	triggerRequests(phone: string): number;
	dials(phone: string): number;
	liveCalls(): number;
	runs(): RunRecord[];
	faults: { inject(fault: FaultSpec): void; clear(): void };
	setAgentWebhook(workflowId: number, hook: AgentWebhook | null): void;
	/** Every webhook delivery with its attempts, oldest first. */
	webhookDeliveries(): WebhookDelivery[];
	/** A run nobody placed through the API (editor test, web test, chat, inbound, campaign). */
	startForeignRun(kind: ForeignRunKind, agentId: number, options?: ForeignRunOptions): RunRecord;
	stats(): SandboxStats;
	reset(): void;
	close(): Promise<void>;
}
