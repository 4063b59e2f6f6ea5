import type { IDataObject } from 'n8n-workflow';

import { checkPositiveInteger } from '../../Sysevo/helpers/identifiers';

export type WebhookRun = { valid: true; run: IDataObject } | { valid: false; reason: string };

const CONTEXT_FIELDS = ['initial_context', 'gathered_context', 'cost_info', 'annotations'] as const;

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
const OPTIONAL_TEXT = ['workflow_name', 'campaign_id'];

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body n8n parsed, or the raw bytes when the sender did not say it was JSON. */
export function parseBody(parsed: unknown, raw: unknown): unknown {
	if (isPlainObject(parsed) && Object.keys(parsed).length > 0) return parsed;
	const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
	if (text.trim() === '') return parsed;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

// A template may render a value as text ("{{workflow_run_id}}" in quotes), so ids and objects are
// also accepted as strings; an empty or "None" rendering means the value is absent.
function isAbsent(value: unknown): boolean {
	return (
		value === undefined || value === null || value === '' || value === 'None' || value === 'null'
	);
}

function objectField(
	body: IDataObject,
	field: string,
): { value: IDataObject | null } | { reason: string } {
	const value = body[field];
	if (isAbsent(value)) return { value: null };
	if (isPlainObject(value)) return { value };
	if (typeof value === 'string') {
		try {
			const parsed = JSON.parse(value) as unknown;
			if (isPlainObject(parsed)) return { value: parsed };
		} catch {
			// reported below
		}
	}
	return {
		reason: `${field} must be a JSON object; put "{{${field}}}" in the template as a whole value`,
	};
}

function idField(
	body: IDataObject,
	field: string,
	required: boolean,
): { value: number | null } | { reason: string } {
	const value = body[field];
	if (isAbsent(value) && !required) return { value: null };
	const check = checkPositiveInteger(value, field);
	return check.valid ? { value: check.value } : { reason: check.reason };
}

function publicUrl(value: unknown): string | null {
	return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : null;
}

function textField(value: unknown): string | null {
	return isAbsent(value) ? null : String(value);
}

/**
 * The payload of the agent's Webhook node in the shape Get Run returns. The payload's
 * `cost_info` is Sysevo's `usage_info`; it keeps the name the template gives it.
 */
export function runFromWebhook(body: unknown): WebhookRun {
	if (!isPlainObject(body)) return { valid: false, reason: 'The body must be a JSON object' };
	const id = idField(body, 'workflow_run_id', true);
	if ('reason' in id) return { valid: false, reason: id.reason };
	const workflowId = idField(body, 'workflow_id', false);
	if ('reason' in workflowId) return { valid: false, reason: workflowId.reason };

	const run: IDataObject = {
		id: id.value,
		workflow_id: workflowId.value,
		name: textField(body.workflow_run_name),
		created_at: textField(body.call_time),
		is_completed: true,
	};
	for (const field of CONTEXT_FIELDS) {
		const parsed = objectField(body, field);
		if ('reason' in parsed) return { valid: false, reason: parsed.reason };
		run[field] = parsed.value;
	}
	for (const [field, renamed] of Object.entries(ARTIFACT_URLS))
		run[renamed] = publicUrl(body[field]);
	for (const field of OPTIONAL_TEXT)
		if (field in body) run[field] = isAbsent(body[field]) ? null : body[field];

	// Sysevo adds a top-level call_disposition when the template has none.
	const disposition = textField(body.call_disposition);
	const gathered = (run.gathered_context ?? {}) as IDataObject;
	if (disposition && isAbsent(gathered.call_disposition))
		run.gathered_context = { ...gathered, call_disposition: disposition };

	for (const [field, value] of Object.entries(body)) {
		if (!RENAMED.has(field) && !(field in run)) run[field] = value;
	}
	return { valid: true, run };
}
