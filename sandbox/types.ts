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
	/** Sandbox bookkeeping, never served. */
	phone_number: string;
	trigger_mode: TriggerMode;
	/** Call duration in seconds once known (for the `duration` filter and sort). */
	duration_seconds: number | null;
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
	setAgentWebhook(
		workflowId: number,
		hook: { url: string; headers?: Record<string, string> } | null,
	): void;
	reset(): void;
	close(): Promise<void>;
}
