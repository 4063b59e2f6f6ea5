/**
 * How a run reached the agent. An agent's run list and webhook stream hold every run of the agent,
 * not only the calls placed through the API (docs/sysevo-api.md §6.5):
 * - `api`: `POST /public/agent/…` (`WR-API-…`, or `WR-TEST-…` with Use Draft Version);
 * - `campaign`: a Sysevo campaign's dialler (`WR-CAMPAIGN-<campaign>-<queued run>`);
 * - `inbound`: a phone call into the agent (`WR-TEL-IN-…`, `ARI Inbound …`, agent streams `WR-AGS-…`);
 * - `editorTest`: a test from the agent editor on the draft: phone (`WR-TEL-OUT-…`) or browser
 *   (`WR-<id>`, mode `webrtc`/`smallwebrtc`);
 * - `chat`: a text chat (`WR-TEXT-…`, mode `textchat`), from the editor's tester;
 * - `widget`: a visitor of the website widget (`Embed Run - …`, `Embed Chat - …`);
 * - `unknown`: a run that carries none of these marks (e.g. a webhook template without
 *   `workflow_run_name` and the contexts).
 */
export type CallSource =
	| 'api'
	| 'campaign'
	| 'inbound'
	| 'editorTest'
	| 'chat'
	| 'widget'
	| 'unknown';

type Loose = Record<string, unknown>;

function asObject(value: unknown): Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Loose)
		: {};
}

function asText(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

// The run name is written by the platform and cannot be set by the caller, so it is read first.
// Longer prefixes come before `WR-`, which alone marks a browser test from the editor.
const NAME_PREFIXES: Array<[string, CallSource]> = [
	['WR-API-', 'api'],
	['WR-TEST-', 'api'],
	['WR-CAMPAIGN-', 'campaign'],
	['WR-TEL-IN-', 'inbound'],
	['WR-AGS-', 'inbound'],
	['ARI Inbound ', 'inbound'],
	['WR-TEL-OUT-', 'editorTest'],
	['WR-TEXT-', 'chat'],
	['Embed Run - ', 'widget'],
	['Embed Chat - ', 'widget'],
];

const BROWSER_MODES = new Set(['webrtc', 'smallwebrtc']);
const CHAT_MODES = new Set(['textchat', 'chat']);

function fromName(name: string, mode: string): CallSource | undefined {
	for (const [prefix, source] of NAME_PREFIXES) if (name.startsWith(prefix)) return source;
	if (CHAT_MODES.has(mode)) return 'chat';
	if (BROWSER_MODES.has(mode)) return name.startsWith('Embed ') ? 'widget' : 'editorTest';
	// Webhook payloads carry no mode: any other `WR-` name is the editor's browser test.
	if (name.startsWith('WR-')) return 'editorTest';
	return undefined;
}

/**
 * The context keys are the fallback for runs without a known name. The caller's context is laid
 * over them (docs/sysevo-api.md §6.4), so they are weaker evidence than the name.
 */
function fromContexts(run: Loose): CallSource | undefined {
	const initial = asObject(run.initial_context);
	const gathered = asObject(run.gathered_context);
	if (asText(gathered.triggered_by) === 'api') return 'api';
	if (run.campaign_id != null && run.campaign_id !== '') return 'campaign';
	if (initial.campaign_id != null && initial.campaign_id !== '') return 'campaign';
	const triggerMode = asText(initial.trigger_mode);
	if (triggerMode === 'production' || triggerMode === 'test') return 'api';
	if (asText(run.call_type) === 'inbound' || asText(initial.direction) === 'inbound')
		return 'inbound';
	return undefined;
}

/** Where a run (from Get Run, the run list or a webhook payload) came from. */
export function callSourceOf(run: Loose): CallSource {
	const name = asText(run.name);
	const mode = asText(run.mode).toLowerCase();
	return fromName(name, mode) ?? fromContexts(run) ?? 'unknown';
}

/**
 * An API call placed on the draft (`/public/agent/test/…`, Use Draft Version): named `WR-TEST-…`,
 * or, without a name, marked `trigger_mode: "test"`.
 */
export function isDraftApiCall(run: Loose): boolean {
	const name = asText(run.name);
	if (name.startsWith('WR-TEST-')) return true;
	if (name !== '') return false;
	return asText(asObject(run.initial_context).trigger_mode) === 'test';
}

/** The choices of the Call Sources filters (Sysevo Trigger, Get Many Runs). */
export type CallSourceChoice = 'api' | 'campaign' | 'inbound' | 'editorTest' | 'widget';

const DEFAULT_CALL_SOURCES: CallSourceChoice[] = ['api'];

/**
 * The run kinds each choice lets through. The editor's text chats are editor tests; a run with no
 * recognisable mark (a webhook template without the run name and contexts) is taken for an API
 * call, as every run was before sources existed.
 */
const KINDS_OF_CHOICE: Record<CallSourceChoice, CallSource[]> = {
	api: ['api', 'unknown'],
	campaign: ['campaign'],
	inbound: ['inbound'],
	editorTest: ['editorTest', 'chat'],
	widget: ['widget'],
};

/** The run kinds the chosen sources let through; undefined when every source is wanted. */
export function sourceKindsOf(choices: unknown): Set<CallSource> | undefined {
	const chosen = Array.isArray(choices) ? (choices as string[]) : DEFAULT_CALL_SOURCES;
	if (chosen.length === 0) return undefined;
	const kinds = new Set<CallSource>();
	for (const choice of chosen)
		for (const kind of KINDS_OF_CHOICE[choice as CallSourceChoice] ?? []) kinds.add(kind);
	return kinds;
}
