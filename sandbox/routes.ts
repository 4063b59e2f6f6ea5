import { agentSummary, countAgents, fetchAgent, fetchAgents, telephonyConfigs } from './agents';
import type { RequestContext } from './context';
import type { RouteName } from './faults';
import { detail, json, lastParam, redirect, validationError, type SandboxResponse } from './http';
import { healthVersion } from './platform';
import { getRun, listRuns } from './runs';
import { handleTrigger } from './trigger';
import { queryBool } from './validation';

export interface RouteDefinition {
	method: 'GET' | 'POST';
	pattern: string;
	name: RouteName;
	handle(ctx: RequestContext): SandboxResponse;
}

export const API_PREFIX = '/api/v1';

export const ROUTES: RouteDefinition[] = [
	{
		method: 'POST',
		pattern: '/public/agent/{identifier}',
		name: 'trigger',
		handle: (ctx) => handleTrigger(ctx, { mode: 'production', by: 'triggerPath' }),
	},
	{
		method: 'POST',
		pattern: '/public/agent/test/{identifier}',
		name: 'trigger',
		handle: (ctx) => handleTrigger(ctx, { mode: 'test', by: 'triggerPath' }),
	},
	{
		method: 'POST',
		pattern: '/public/agent/workflow/{identifier}',
		name: 'trigger',
		handle: (ctx) => handleTrigger(ctx, { mode: 'production', by: 'workflowUuid' }),
	},
	{
		method: 'POST',
		pattern: '/public/agent/test/workflow/{identifier}',
		name: 'trigger',
		handle: (ctx) => handleTrigger(ctx, { mode: 'test', by: 'workflowUuid' }),
	},
	{ method: 'GET', pattern: '/workflow/count', name: 'other', handle: countAgents },
	{ method: 'GET', pattern: '/workflow/fetch', name: 'listAgents', handle: fetchAgents },
	{ method: 'GET', pattern: '/workflow/summary', name: 'other', handle: agentSummary },
	{ method: 'GET', pattern: '/workflow/fetch/{workflow_id}', name: 'other', handle: fetchAgent },
	{ method: 'GET', pattern: '/workflow/{workflow_id}/runs', name: 'listRuns', handle: listRuns },
	{
		method: 'GET',
		pattern: '/workflow/{workflow_id}/runs/{run_id}',
		name: 'getRun',
		handle: getRun,
	},
	{
		method: 'GET',
		pattern: '/organizations/telephony-configs',
		name: 'other',
		handle: telephonyConfigs,
	},
	{
		method: 'GET',
		pattern: '/public/download/workflow/{token}/{artifact_type}',
		name: 'download',
		handle: downloadArtifact,
	},
	{ method: 'GET', pattern: '/health', name: 'other', handle: health },
];

export type Resolution =
	| { kind: 'found'; route: RouteDefinition; params: Record<string, string> }
	| { kind: 'methodNotAllowed'; allow: string[] }
	| { kind: 'redirect'; path: string }
	| { kind: 'notFound' };

/**
 * Starlette's router: a full match wins; a path match with the wrong method is a 405; if
 * nothing matches and the path ends in '/', a 307 to the path without it (`redirect_slashes`).
 */
export function resolveRoute(method: string, path: string): Resolution {
	const direct = matchPath(method, path);
	if (direct.kind !== 'notFound' || !path.endsWith('/') || path === '/') return direct;
	const trimmed = path.slice(0, -1);
	return matchPath(method, trimmed).kind === 'notFound'
		? direct
		: { kind: 'redirect', path: trimmed };
}

function matchPath(method: string, path: string): Resolution {
	if (!path.startsWith(`${API_PREFIX}/`)) return { kind: 'notFound' };
	const segments = path.slice(API_PREFIX.length).split('/');
	const allow: string[] = [];
	for (const route of ROUTES) {
		const params = matchSegments(route.pattern.split('/'), segments);
		if (!params) continue;
		if (route.method === method) return { kind: 'found', route, params };
		allow.push(route.method);
	}
	return allow.length > 0 ? { kind: 'methodNotAllowed', allow } : { kind: 'notFound' };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
	if (pattern.length !== segments.length) return undefined;
	const params: Record<string, string> = {};
	for (let index = 0; index < pattern.length; index++) {
		const expected = pattern[index];
		const actual = segments[index];
		if (expected.startsWith('{')) {
			if (actual === '') return undefined;
			params[expected.slice(1, -1)] = actual;
		} else if (expected !== actual) {
			return undefined;
		}
	}
	return params;
}

/** `GET /public/download/workflow/{token}/{type}`: no auth, 302 to the storage origin. */
function downloadArtifact(ctx: RequestContext): SandboxResponse {
	const inline = queryBool(lastParam(ctx.query, 'inline'), 'inline');
	if (inline.error) return validationError([inline.error]);
	const run = ctx.app.store.findRunByToken(ctx.params.token);
	if (!run) return detail(404, 'Invalid or expired token');
	const type = ctx.params.artifact_type;
	const keys: Record<string, string | null> = {
		recording: run.recording_url,
		transcript: run.transcript_url,
		user_recording: run.user_recording_url,
		bot_recording: run.bot_recording_url,
	};
	if (!(type in keys)) return detail(400, 'Unsupported artifact type');
	const key = keys[type];
	if (!key) return detail(404, `No ${type} available for this workflow run`);
	return redirect(302, ctx.app.storage.signedUrl(key, inline.value));
}

function health(ctx: RequestContext): SandboxResponse {
	const options = ctx.app.options();
	return json(200, {
		status: 'ok',
		version: healthVersion(options.platformVersion, options.legacyRunShape),
		backend_api_endpoint: ctx.app.origin(),
		tunnel_url: null,
		deployment_mode: options.authStyle === 'oss' ? 'oss' : 'saas',
		auth_provider: options.authStyle === 'oss' ? 'local' : 'stack',
		turn_enabled: false,
		force_turn_relay: false,
		signup_enabled: true,
		stack_project_id: null,
		stack_publishable_client_key: null,
	});
}
