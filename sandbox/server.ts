/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { handleAdmin } from './admin';
import { SlotRegistry } from './concurrency';
import type { AppContext, RequestContext } from './context';
import { AGENTS, foreignAgentOf, newCallId, SEED, TELEPHONY_CONFIGS } from './data';
import {
	FaultRegistry,
	gatewayFaultResponse,
	isGatewayFault,
	truncatedJsonResponse,
	type RouteName,
} from './faults';
import {
	detail,
	flattenHeaders,
	internalServerError,
	json,
	lastValues,
	NOT_FOUND,
	readBody,
	redirect,
	type SandboxResponse,
} from './http';
import { foreignRunShape } from './foreign';
import { CallSimulator } from './lifecycle';
import { featuresOf } from './platform';
import { resolveRoute, type Resolution } from './routes';
import { StorageServer } from './storage';
import { SandboxStore } from './store';
import { TimerRegistry } from './timers';
import { phoneOfTriggerBody } from './trigger';
import { WebhookDispatcher } from './webhooks';
import {
	DEFAULT_OPTIONS,
	type AgentWebhook,
	type FaultSpec,
	type ForeignRunKind,
	type ForeignRunOptions,
	type SandboxStats,
	type RecordedRequest,
	type ResolvedOptions,
	type RunRecord,
	type Sandbox,
	type SandboxOptions,
} from './types';

const BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_SLOW_BODY_MS = 1000;

/** Owns both HTTP servers, the request pipeline (record, fault, latency, route) and teardown. */
export class SandboxServer {
	readonly store = new SandboxStore();
	readonly faults = new FaultRegistry();
	readonly requests: RecordedRequest[] = [];
	readonly storage: StorageServer;
	readonly simulator: CallSimulator;
	readonly slots: SlotRegistry;
	readonly webhooks: WebhookDispatcher;
	/** Simulated call time: cleared by reset() and close(). */
	private readonly callTimers = new TimerRegistry();
	/** Latency and slow bodies of in-flight requests: cleared by close() only. */
	private readonly ioTimers = new TimerRegistry();
	private readonly server: Server;
	private readonly app: AppContext;
	private current: ResolvedOptions;
	private originValue = '';

	constructor(options: SandboxOptions) {
		this.current = { ...DEFAULT_OPTIONS, ...definedOnly(options) };
		this.storage = new StorageServer(() => this.store.artifacts);
		this.slots = new SlotRegistry(() => this.current.timeScale);
		this.webhooks = new WebhookDispatcher({
			timers: this.callTimers,
			options: () => this.current,
		});
		this.simulator = new CallSimulator({
			store: this.store,
			timers: this.callTimers,
			slots: this.slots,
			webhooks: this.webhooks,
			options: () => this.current,
			origin: () => this.originValue,
		});
		this.app = {
			store: this.store,
			simulator: this.simulator,
			slots: this.slots,
			storage: this.storage,
			options: () => this.current,
			origin: () => this.originValue,
		};
		this.server = createServer((request, response) => {
			this.handle(request, response).catch(() => response.destroy());
		});
	}

	get origin(): string {
		return this.originValue;
	}

	get options(): ResolvedOptions {
		return this.current;
	}

	async start(): Promise<void> {
		const { host, port } = this.current;
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => resolve());
		});
		const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
		this.originValue = `http://${publicHost}:${(this.server.address() as AddressInfo).port}`;
		await this.storage.start(host, publicHost);
	}

	configure(options: Partial<SandboxOptions>): void {
		const changes = definedOnly(options);
		// host and port are fixed once listening.
		delete changes.host;
		delete changes.port;
		this.current = { ...this.current, ...changes };
	}

	reset(): void {
		this.callTimers.clearAll();
		this.simulator.reset();
		this.store.reset();
		this.faults.clear();
		this.clearRequests();
	}

	clearRequests(): void {
		this.requests.length = 0;
		this.storage.requests.length = 0;
	}

	liveCalls(): number {
		return this.simulator.liveCalls(SEED.organizationId);
	}

	runs(): RunRecord[] {
		return [...this.store.runs.values()].sort((a, b) => a.id - b.id);
	}

	stats(): SandboxStats {
		return {
			triggerRequests: this.store.triggerCountsByPhone(),
			dials: this.store.dialCountsByPhone(),
			liveCalls: this.liveCalls(),
			maxLiveCalls: this.slots.maxLive(),
			runs: this.store.runs.size,
			requests: this.requests.length,
			webhookDeliveries: this.webhooks.deliveries.length,
		};
	}

	setAgentWebhook(workflowId: number, hook: AgentWebhook | null): void {
		if (hook === null) this.store.webhooks.delete(workflowId);
		else this.store.webhooks.set(workflowId, { ...hook });
	}

	/**
	 * A run from another channel, live from now on. Channels with a phone or browser leg take an
	 * org concurrency slot; from 1.42 they are refused when none is free, as the platform does.
	 */
	startForeignRun(
		kind: ForeignRunKind,
		agentId: number,
		options: ForeignRunOptions = {},
	): RunRecord {
		const agent = AGENTS.find((candidate) => candidate.id === agentId);
		if (!agent) throw new Error(`unknown agent ${agentId}`);
		const config =
			TELEPHONY_CONFIGS.find(
				(candidate) =>
					candidate.organizationId === agent.organizationId && candidate.isDefaultOutbound,
			) ?? TELEPHONY_CONFIGS[0];
		const shape = foreignRunShape(
			kind,
			foreignAgentOf(agent),
			{
				provider: config.provider,
				configId: config.id,
				callerNumber: config.callerNumbers[0]?.number ?? '',
				callId: newCallId(),
			},
			options,
		);
		const features = featuresOf(this.current.platformVersion);
		const slot = shape.takesSlot
			? this.slots.acquire(
					agent.organizationId,
					features.concurrencyCap ? this.current.concurrencyLimit : Infinity,
				)
			: undefined;
		if (shape.takesSlot && !slot) throw new Error('Concurrent call limit reached');
		const run = this.store.createRun({
			agent,
			definitionId: shape.definitionId,
			mode: shape.mode,
			phone: shape.phone,
			triggerMode: 'production',
			initialContext: shape.initialContext,
			name: shape.name,
			callType: shape.callType,
			campaignId: shape.campaignId,
			source: kind,
		});
		run.gathered_context = shape.gatheredContext;
		run.annotations = shape.annotations;
		if (slot) this.slots.bind(slot, run.id);
		this.simulator.startForeign(run, shape.telephony);
		return run;
	}

	injectFault(fault: FaultSpec): void {
		this.faults.inject(fault);
	}

	async close(): Promise<void> {
		this.callTimers.clearAll();
		this.ioTimers.clearAll();
		this.simulator.reset();
		this.server.closeAllConnections();
		await Promise.all([
			new Promise<void>((resolve) => this.server.close(() => resolve())),
			this.storage.close(),
		]);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const target = request.url ?? '/';
		const queryStart = target.indexOf('?');
		const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
		const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1);
		if (rawPath === '/__sandbox' || rawPath.startsWith('/__sandbox/')) {
			const answer = await handleAdmin(this, request, rawPath);
			writeResponse(response, answer);
			return;
		}
		await this.handleApi(request, response, rawPath, rawQuery);
	}

	private async handleApi(
		request: IncomingMessage,
		response: ServerResponse,
		rawPath: string,
		rawQuery: string,
	): Promise<void> {
		const method = request.method ?? 'GET';
		const query = new URLSearchParams(rawQuery);
		const resolution = resolveRoute(method, unquote(rawPath));
		const routeName: RouteName = resolution.kind === 'found' ? resolution.route.name : 'other';
		const recorded = this.record(request, rawPath, query);

		if (this.faults.takeBeforeRead(routeName)) {
			request.socket.destroy();
			return;
		}
		const rawBody = await readBody(request, BODY_LIMIT_BYTES);
		if (rawBody === 'tooLarge') {
			await this.ioTimers.sleep(this.current.latencyMs);
			writeResponse(response, detail(413, 'Request Entity Too Large'));
			return;
		}
		recorded.rawBody = rawBody.toString('utf8');
		recorded.body = parseJsonOrUndefined(recorded.rawBody);

		const phone = routeName === 'trigger' ? phoneOfTriggerBody(recorded.body) : undefined;
		const fault = this.faults.take(routeName, phone);
		if (fault?.kind === 'resetBeforeRead') {
			request.socket.destroy();
			return;
		}
		if (phone !== undefined) this.store.countTrigger(phone);
		await this.ioTimers.sleep(this.current.latencyMs);

		// Gateway faults stand in for a proxy or a crash before the route runs: no side effects.
		if (fault && isGatewayFault(fault.kind)) {
			writeResponse(response, gatewayFaultResponse(fault.kind));
			return;
		}
		if (fault?.kind === 'hang') return;

		const answer = this.dispatch(
			resolution,
			{
				app: this.app,
				method,
				params: resolution.kind === 'found' ? resolution.params : {},
				query,
				headers: recorded.headers,
				rawBody,
			},
			request,
			rawQuery,
		);
		this.deliver(request, response, answer, fault);
	}

	private dispatch(
		resolution: Resolution,
		ctx: RequestContext,
		request: IncomingMessage,
		rawQuery: string,
	): SandboxResponse {
		switch (resolution.kind) {
			case 'notFound':
				return NOT_FOUND();
			case 'methodNotAllowed':
				return json(405, { detail: 'Method Not Allowed' }, { allow: resolution.allow.join(', ') });
			case 'redirect': {
				const host = request.headers.host ?? new URL(this.originValue).host;
				return redirect(307, `http://${host}${resolution.path}${rawQuery ? `?${rawQuery}` : ''}`);
			}
			case 'found':
				try {
					return resolution.route.handle(ctx);
				} catch {
					return internalServerError();
				}
		}
	}

	/** After the route ran (side effects done): answer normally or with a post-handler fault. */
	private deliver(
		request: IncomingMessage,
		response: ServerResponse,
		answer: SandboxResponse,
		fault: FaultSpec | undefined,
	): void {
		switch (fault?.kind) {
			case 'resetAfterRead':
				request.socket.destroy();
				return;
			case 'malformedJson':
				writeResponse(response, truncatedJsonResponse(answer));
				return;
			case 'slowBody':
				this.writeSlowly(response, answer, fault.delayMs ?? DEFAULT_SLOW_BODY_MS);
				return;
			default:
				writeResponse(response, answer);
		}
	}

	private writeSlowly(response: ServerResponse, answer: SandboxResponse, totalMs: number): void {
		const body = Buffer.from(answer.body);
		response.writeHead(answer.status, baseHeaders(answer, body));
		const chunkCount = Math.max(2, Math.min(20, body.length));
		const chunkSize = Math.ceil(body.length / chunkCount);
		for (let index = 0; index < chunkCount; index++) {
			this.ioTimers.after(((index + 1) * totalMs) / chunkCount, () => {
				if (response.destroyed) return;
				const chunk = body.subarray(index * chunkSize, (index + 1) * chunkSize);
				if (index === chunkCount - 1) response.end(chunk);
				else response.write(chunk);
			});
		}
	}

	private record(
		request: IncomingMessage,
		rawPath: string,
		query: URLSearchParams,
	): RecordedRequest {
		const recorded: RecordedRequest = {
			method: request.method ?? 'GET',
			path: rawPath,
			query: lastValues(query),
			headers: flattenHeaders(request),
			body: undefined,
			rawBody: '',
			at: Date.now(),
		};
		this.requests.push(recorded);
		return recorded;
	}
}

function baseHeaders(answer: SandboxResponse, body: Buffer): Record<string, string> {
	return { server: 'uvicorn', ...answer.headers, 'content-length': String(body.length) };
}

function writeResponse(response: ServerResponse, answer: SandboxResponse): void {
	if (response.destroyed) return;
	const body = Buffer.from(answer.body);
	response.writeHead(answer.status, baseHeaders(answer, body));
	response.end(body);
}

function parseJsonOrUndefined(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** Like Python's `urllib.parse.unquote`: malformed escapes stay as they are. */
function unquote(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}

function definedOnly<T extends object>(options: T): Partial<T> {
	return Object.fromEntries(
		Object.entries(options).filter(([, value]) => value !== undefined),
	) as Partial<T>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const server = new SandboxServer(options);
	await server.start();
	return {
		baseUrl: `${server.origin}/api/v1`,
		origin: server.origin,
		storageOrigin: server.storage.origin,
		apiKey: SEED.apiKey,
		configure: (changes) => server.configure(changes),
		requests: server.requests,
		storageRequests: server.storage.requests,
		clearRequests: () => server.clearRequests(),
		triggerRequests: (phone) => server.store.triggerRequests(phone),
		dials: (phone) => server.store.dials(phone),
		liveCalls: () => server.liveCalls(),
		runs: () => server.runs(),
		faults: { inject: (fault) => server.injectFault(fault), clear: () => server.faults.clear() },
		setAgentWebhook: (workflowId, hook) => server.setAgentWebhook(workflowId, hook),
		webhookDeliveries: () => [...server.webhooks.deliveries],
		startForeignRun: (kind, agentId, options) => server.startForeignRun(kind, agentId, options),
		stats: () => server.stats(),
		reset: () => server.reset(),
		close: () => server.close(),
	};
}
