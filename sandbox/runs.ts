import { authenticateUser } from './auth';
import type { RequestContext } from './context';
import { fitsInt4 } from './data';
import {
	detail,
	internalServerError,
	json,
	lastParam,
	validationError,
	type SandboxResponse,
} from './http';
import { formatPublicCostInfo } from './outcomes';
import { parsePythonJson } from './pyjson';
import type { JsonObject, RunRecord } from './types';
import { boundedQueryInt, intFromString, isPlainObject, type ValidationItem } from './validation';

const API_KEY_FILTER_ATTRIBUTES = new Set([
	'dateRange',
	'dispositionCode',
	'duration',
	'status',
	'tokenUsage',
]);

type RunView = 'detail' | 'list';

/**
 * `WorkflowRunResponseSchema`. Get Run fills every field; list items
 * (`api/db/workflow_run_client.py`) leave `logs`, `annotations`, `usage_info`, every
 * `*_public_url` and `public_access_token` null. `cost_info` is `format_public_cost_info`
 * of the stored cost and usage. The legacy (~1.31) shape drops the fields added later.
 */
export function serializeRun(
	run: RunRecord,
	view: RunView,
	origin: string,
	legacy: boolean,
): JsonObject {
	const detailView = view === 'detail';
	const core = {
		id: run.id,
		workflow_id: run.workflow_id,
		name: run.name,
		mode: run.mode,
		created_at: run.created_at,
		is_completed: run.is_completed,
		transcript_url: run.transcript_url,
		recording_url: run.recording_url,
	};
	const cost = formatPublicCostInfo(run.cost_info, run.usage_info);
	const tail = {
		definition_id: run.definition_id,
		initial_context: run.initial_context,
		gathered_context: run.gathered_context,
		call_type: run.call_type,
		logs: detailView ? run.logs : null,
		annotations: detailView ? run.annotations : null,
	};
	if (legacy) return { ...core, cost_info: cost, ...tail };
	const token = detailView ? run.public_access_token : null;
	const publicUrl = (type: string, present: boolean) =>
		token && present ? `${origin}/api/v1/public/download/workflow/${token}/${type}` : null;
	return {
		...core,
		user_recording_url: run.user_recording_url,
		bot_recording_url: run.bot_recording_url,
		// Non-null whenever a token exists, even if that artifact itself is missing.
		transcript_public_url: publicUrl('transcript', true),
		recording_public_url: publicUrl('recording', true),
		user_recording_public_url: publicUrl('user_recording', run.user_recording_url !== null),
		bot_recording_public_url: publicUrl('bot_recording', run.bot_recording_url !== null),
		public_access_token: token,
		cost_info: cost,
		usage_info: detailView ? run.usage_info : null,
		...tail,
	};
}

/** `GET /workflow/{workflow_id}/runs/{run_id}`: found by run id and the key's org only. */
export function getRun(ctx: RequestContext): SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const workflowId = intFromString(ctx.params.workflow_id, ['path', 'workflow_id']);
	const runId = intFromString(ctx.params.run_id, ['path', 'run_id']);
	const errors = [workflowId.error, runId.error].filter((item): item is ValidationItem => !!item);
	if (errors.length > 0 || runId.value === undefined) return validationError(errors);
	if (!fitsInt4(runId.value)) return internalServerError();

	const run = ctx.app.store.findRun(runId.value, auth.key.organizationId);
	if (!run) return detail(404, 'Workflow run not found');
	const legacy = ctx.app.options().legacyRunShape;
	if (!legacy) ctx.app.store.ensurePublicToken(run);
	return json(200, serializeRun(run, 'detail', ctx.app.origin(), legacy));
}

/** `GET /workflow/{workflow_id}/runs`: an unknown or foreign workflow is an empty page. */
export function listRuns(ctx: RequestContext): SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const workflowId = intFromString(ctx.params.workflow_id, ['path', 'workflow_id']);
	const page = boundedQueryInt(lastParam(ctx.query, 'page'), 'page', 1, { ge: 1 });
	const limit = boundedQueryInt(lastParam(ctx.query, 'limit'), 'limit', 50, { ge: 1, le: 100 });
	const errors = [workflowId.error, page.error, limit.error].filter(
		(item): item is ValidationItem => !!item,
	);
	if (
		errors.length > 0 ||
		workflowId.value === undefined ||
		page.value === undefined ||
		limit.value === undefined
	) {
		return validationError(errors);
	}
	if (!fitsInt4(workflowId.value)) return internalServerError();

	const filters = parseFilters(lastParam(ctx.query, 'filters'));
	if ('status' in filters) return filters;
	const sortBy = lastParam(ctx.query, 'sort_by') ?? 'created_at';
	const ascending = (lastParam(ctx.query, 'sort_order') ?? 'desc') === 'asc';
	const matching = ctx.app.store
		.runsOfWorkflow(workflowId.value, auth.key.organizationId)
		.filter((run) => filters.every((filter) => matchesFilter(run, filter)))
		.sort((a, b) => compareRuns(a, b, sortBy) * (ascending ? 1 : -1));
	const offset = (page.value - 1) * limit.value;
	const legacy = ctx.app.options().legacyRunShape;
	return json(200, {
		runs: matching
			.slice(offset, offset + limit.value)
			.map((run) => serializeRun(run, 'list', ctx.app.origin(), legacy)),
		total_count: matching.length,
		page: page.value,
		limit: limit.value,
		total_pages: Math.ceil(matching.length / limit.value),
		applied_filters: filters.length > 0 ? filters : null,
	});
}

function parseFilters(raw: string | null): JsonObject[] | SandboxResponse {
	if (raw === null || raw === '') return [];
	const parsed = parsePythonJson(raw);
	if (!parsed.ok || !Array.isArray(parsed.value) || !parsed.value.every(isPlainObject)) {
		return detail(400, 'Invalid filter format');
	}
	const filters = parsed.value;
	// A disallowed attribute is a 403, not a 400 or 422 (docs/sysevo-api.md §2.4).
	const disallowed = filters.find(
		(filter) => !API_KEY_FILTER_ATTRIBUTES.has(String(filter.attribute)),
	);
	if (disallowed) return detail(403, `Invalid attribute '${pythonStr(disallowed.attribute)}'`);
	return filters;
}

function pythonStr(value: unknown): string {
	if (value === undefined || value === null) return 'None';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function matchesFilter(run: RunRecord, filter: JsonObject): boolean {
	const value = isPlainObject(filter.value) ? filter.value : {};
	switch (filter.attribute) {
		case 'status':
			if (value.status === 'completed') return run.is_completed;
			if (value.status === 'in_progress') return !run.is_completed;
			return true;
		case 'dateRange':
			return withinDates(run.created_at, value.from, value.to);
		case 'dispositionCode':
			return (
				!Array.isArray(value.codes) ||
				value.codes.includes(run.gathered_context?.mapped_call_disposition)
			);
		case 'duration':
			return withinRange(run.duration_seconds, value.min, value.max);
		case 'tokenUsage':
			return withinRange(numberOrNull(run.cost_info?.dograh_token_usage), value.min, value.max);
		default:
			return true;
	}
}

function withinDates(createdAt: string, from: unknown, to: unknown): boolean {
	const at = Date.parse(createdAt);
	if (typeof from === 'string' && !Number.isNaN(Date.parse(from)) && at < Date.parse(from))
		return false;
	if (typeof to === 'string' && !Number.isNaN(Date.parse(to)) && at > Date.parse(to)) return false;
	return true;
}

function withinRange(actual: number | null, min: unknown, max: unknown): boolean {
	if (typeof min !== 'number' && typeof max !== 'number') return true;
	if (actual === null) return false;
	if (typeof min === 'number' && actual < min) return false;
	if (typeof max === 'number' && actual > max) return false;
	return true;
}

function numberOrNull(value: unknown): number | null {
	return typeof value === 'number' ? value : null;
}

function compareRuns(a: RunRecord, b: RunRecord, sortBy: string): number {
	if (sortBy === 'duration') {
		const difference = (a.duration_seconds ?? -1) - (b.duration_seconds ?? -1);
		if (difference !== 0) return difference;
	}
	return Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id;
}
