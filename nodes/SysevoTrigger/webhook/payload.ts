import type { IDataObject } from 'n8n-workflow';

import {
	isAbsent,
	isPlainObject,
	readRenderedId,
	readRenderedObject,
	readRenderedText,
} from './rendered';

/**
 * A payload with a readable run id is always a run: fields that cannot be read are kept as text
 * and named in `warnings`, because Sysevo never retries an answer in the 4xx range
 * (docs/sysevo-api.md §6.2) and the call result would be lost.
 */
export type WebhookRun =
	| { valid: true; run: IDataObject; warnings: string[] }
	| { valid: false; reason: string };

const CONTEXT_FIELDS = ['initial_context', 'gathered_context', 'cost_info', 'annotations'] as const;
const OPTIONAL_OBJECTS = ['extra'];

const ARTIFACT_URLS: Record<string, string> = {
	recording_url: 'recording_public_url',
	transcript_url: 'transcript_public_url',
	user_recording_url: 'user_recording_public_url',
	bot_recording_url: 'bot_recording_public_url',
};

const RENAMED = new Set([
	'workflow_run_id',
	'workflow_run_name',
	'call_time',
	'call_disposition',
	...Object.keys(ARTIFACT_URLS),
]);

/** The body n8n parsed, or the raw bytes when the sender did not say it was JSON. */
export function parseBody(parsed: unknown, raw: unknown): unknown {
	if (isPlainObject(parsed) && Object.keys(parsed).length > 0) return parsed;
	const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
	if (text.trim() === '') return parsed;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function describe(value: unknown): string {
	return isAbsent(value) ? 'empty' : JSON.stringify(value);
}

function publicUrl(value: unknown): string | null {
	return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : null;
}

/** An optional id: a number when it reads as one, null when absent, else the text with a warning. */
function optionalId(body: IDataObject, field: string, warnings: string[]): IDataObject[string] {
	const value = body[field];
	if (isAbsent(value)) return null;
	const id = readRenderedId(value);
	if (id !== undefined) return id;
	warnings.push(`${field} is ${describe(value)}, not a whole number, so it is kept as it came`);
	return value;
}

/**
 * The run id from the body, or from the X-Dograh-Workflow-Run-Id header that newer Sysevo builds
 * send with every delivery.
 */
function runIdOf(
	body: IDataObject | undefined,
	headerRunId: unknown,
	warnings: string[],
): { id: number } | { reason: string } {
	const fromBody = body?.workflow_run_id;
	const id = readRenderedId(fromBody);
	if (id !== undefined) return { id };
	const fromHeader = readRenderedId(headerRunId);
	if (fromHeader !== undefined) {
		if (!isAbsent(fromBody))
			warnings.push(
				`workflow_run_id is ${describe(fromBody)}; the run id was taken from the X-Dograh-Workflow-Run-Id header`,
			);
		return { id: fromHeader };
	}
	if (!body) return { reason: 'The body must be a JSON object' };
	return {
		reason: `The workflow_run_id is ${describe(fromBody)}; it must be a positive whole number. Put "workflow_run_id": "{{workflow_run_id}}" in the payload template.`,
	};
}

/**
 * The payload of the agent's Webhook node in the shape Get Run returns. The payload's
 * `cost_info` is Sysevo's `usage_info`; it keeps the name the template gives it.
 */
export function runFromWebhook(body: unknown, headerRunId?: unknown): WebhookRun {
	const warnings: string[] = [];
	const object = isPlainObject(body) ? body : undefined;
	const runId = runIdOf(object, headerRunId, warnings);
	if ('reason' in runId) return { valid: false, reason: runId.reason };

	if (!object) {
		warnings.push('The body is not a JSON object, so it is kept as payload_body');
		return {
			valid: true,
			run: {
				id: runId.id,
				is_completed: true,
				initial_context: null,
				gathered_context: null,
				payload_body: (body ?? null) as IDataObject[string],
			},
			warnings,
		};
	}

	const run: IDataObject = {
		id: runId.id,
		workflow_id: optionalId(object, 'workflow_id', warnings),
		name: readRenderedText(object.workflow_run_name),
		created_at: readRenderedText(object.call_time),
		is_completed: true,
	};
	for (const field of [...CONTEXT_FIELDS, ...OPTIONAL_OBJECTS]) {
		if (!(field in object) && OPTIONAL_OBJECTS.includes(field)) continue;
		const read = readRenderedObject(object[field], field);
		if ('problem' in read) warnings.push(read.problem);
		run[field] = 'problem' in read ? read.text : read.value;
	}
	for (const [field, renamed] of Object.entries(ARTIFACT_URLS))
		run[renamed] = publicUrl(object[field]);
	if ('workflow_name' in object) run.workflow_name = readRenderedText(object.workflow_name);
	if ('campaign_id' in object) run.campaign_id = optionalId(object, 'campaign_id', warnings);

	// Sysevo adds a top-level call_disposition when the template has none.
	const disposition = readRenderedText(object.call_disposition);
	if (disposition) {
		if (run.gathered_context === null) run.gathered_context = {};
		const gathered = run.gathered_context;
		if (isPlainObject(gathered)) {
			if (isAbsent(gathered.call_disposition))
				run.gathered_context = { ...gathered, call_disposition: disposition };
		} else {
			run.call_disposition = disposition;
		}
	}

	for (const [field, value] of Object.entries(object)) {
		if (!RENAMED.has(field) && !(field in run)) run[field] = value;
	}
	return { valid: true, run, warnings };
}
