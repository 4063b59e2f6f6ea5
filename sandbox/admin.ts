/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import type { IncomingMessage } from 'node:http';

import { describeInvalidFault } from './faults';
import { isForeignRunKind } from './foreign';
import { isLoopback, json, readBody, type SandboxResponse } from './http';
import type { SandboxServer } from './server';
import { isPlatformVersion, PLATFORM_VERSIONS } from './platform';
import {
	DEFAULT_OPTIONS,
	type AgentWebhook,
	type FaultSpec,
	type ForeignRunOptions,
	type SandboxOptions,
} from './types';

type AdminHandler = (server: SandboxServer, body: unknown) => SandboxResponse;

/** Control routes for other processes (bench, e2e, dev). Outside /api/v1, loopback only. */
const ADMIN_ROUTES: Record<string, AdminHandler> = {
	'GET /__sandbox/stats': (server) => json(200, server.stats()),
	'GET /__sandbox/runs': (server) => json(200, server.runs()),
	'POST /__sandbox/config': configure,
	'POST /__sandbox/faults': injectFault,
	'DELETE /__sandbox/faults': (server) => {
		server.faults.clear();
		return json(200, { ok: true });
	},
	'POST /__sandbox/reset': (server) => {
		server.reset();
		return json(200, { ok: true });
	},
	'POST /__sandbox/webhooks': setWebhook,
	'GET /__sandbox/webhook-deliveries': (server) => json(200, server.webhooks.deliveries),
	'POST /__sandbox/foreign-runs': startForeignRun,
};

export async function handleAdmin(
	server: SandboxServer,
	request: IncomingMessage,
	rawPath: string,
): Promise<SandboxResponse> {
	if (!isLoopback(request.socket.remoteAddress))
		return json(403, { error: 'admin routes are loopback only' });
	const raw = await readBody(request, 64 * 1024);
	if (raw === 'tooLarge') return json(413, { error: 'body too large' });
	const handler = ADMIN_ROUTES[`${request.method ?? 'GET'} ${rawPath}`];
	if (!handler) return json(404, { error: `unknown admin route ${request.method} ${rawPath}` });
	let body: unknown;
	try {
		body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
	} catch {
		return json(400, { error: 'body must be JSON' });
	}
	return handler(server, body);
}

function configure(server: SandboxServer, body: unknown): SandboxResponse {
	if (!isObject(body)) return json(400, { error: 'body must be a JSON object of options' });
	for (const [name, value] of Object.entries(body)) {
		if (!(name in DEFAULT_OPTIONS)) return json(400, { error: `unknown option ${name}` });
		if (typeof value !== typeof DEFAULT_OPTIONS[name as keyof SandboxOptions]) {
			return json(400, {
				error: `option ${name} must be a ${typeof DEFAULT_OPTIONS[name as keyof SandboxOptions]}`,
			});
		}
		if (name === 'platformVersion' && !isPlatformVersion(value)) {
			return json(400, {
				error: `option platformVersion must be one of ${PLATFORM_VERSIONS.join(', ')}`,
			});
		}
	}
	server.configure(body as Partial<SandboxOptions>);
	return json(200, server.options);
}

/** JSON has no Infinity: `times` may be "Infinity" or null to mean forever. */
function injectFault(server: SandboxServer, body: unknown): SandboxResponse {
	if (!isObject(body)) return json(400, { error: 'body must be a FaultSpec object' });
	const times = body.times === null || body.times === 'Infinity' ? Infinity : body.times;
	const spec = { ...body, times } as FaultSpec;
	const problem = describeInvalidFault(spec);
	if (problem) return json(400, { error: problem });
	server.injectFault(spec);
	return json(200, { ok: true });
}

function setWebhook(server: SandboxServer, body: unknown): SandboxResponse {
	if (!isObject(body) || typeof body.workflowId !== 'number') {
		return json(400, { error: 'body must be {workflowId, url, headers}' });
	}
	if (body.url === null || body.url === undefined) {
		server.store.webhooks.delete(body.workflowId);
		return json(200, { ok: true });
	}
	if (typeof body.url !== 'string') return json(400, { error: 'url must be a string or null' });
	const hook: AgentWebhook = {
		url: body.url,
		headers: isObject(body.headers) ? (body.headers as Record<string, string>) : {},
	};
	if (typeof body.method === 'string') hook.method = body.method as AgentWebhook['method'];
	if (isObject(body.credential)) hook.credential = body.credential as AgentWebhook['credential'];
	if (body.payloadTemplate !== undefined) hook.payloadTemplate = body.payloadTemplate;
	server.setAgentWebhook(body.workflowId, hook);
	return json(200, { ok: true });
}

/** `{kind, agentId, mode?, phone?, context?}`: a run nobody placed through the API. */
function startForeignRun(server: SandboxServer, body: unknown): SandboxResponse {
	if (!isObject(body) || !isForeignRunKind(body.kind) || typeof body.agentId !== 'number') {
		return json(400, {
			error:
				'body must be {kind: editorPhoneTest|webTest|textChat|inbound|campaign, agentId, mode?, phone?, context?}',
		});
	}
	try {
		const run = server.startForeignRun(body.kind, body.agentId, body as ForeignRunOptions);
		return json(200, { id: run.id, name: run.name, mode: run.mode });
	} catch (error) {
		return json(409, { error: (error as Error).message });
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
