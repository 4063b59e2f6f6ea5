// Sections (§) refer to docs/sysevo-api.md.
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../defaults';
import { checkPositiveInteger } from '../helpers/identifiers';
import { settled } from '../helpers/settled';
import { sysevoApiRequest, type SysevoContext } from './index';

/** An agent as `GET /workflow/fetch` lists it (docs/sysevo-api.md §2.5). */
export interface Agent {
	id: number;
	name: string;
	status?: string;
	workflow_uuid?: string | null;
}

interface AgentDefinition {
	workflow_definition?: { nodes?: Array<{ type?: string; data?: { trigger_path?: string } }> };
}

/** A run as Get Run or the run list returns it; list items are thinner (docs/sysevo-api.md §6.6). */
export interface Run extends IDataObject {
	id: number;
	created_at: string;
	is_completed: boolean;
}

export interface TelephonyConfiguration {
	id: number;
	name: string;
	provider?: string;
	is_default_outbound?: boolean;
	inactive?: boolean;
}

export interface RequestLimits {
	timeoutMs?: number;
	/** Tries for a read; a caller that repeats its reads itself, like a wait, asks for 1. */
	attempts?: number;
	itemIndex?: number;
}

export type TriggerRoute = 'triggerByPath' | 'triggerByWorkflow';

export interface RunListFilter extends IDataObject {
	attribute: 'dateRange' | 'dispositionCode' | 'duration' | 'status' | 'tokenUsage';
	type: string;
	value: IDataObject;
}

export interface RunListQuery {
	page: number;
	limit: number;
	newestFirst?: boolean;
	filters?: RunListFilter[];
}

export function isRun(value: unknown): value is Run {
	const run = value as Partial<Run> | null;
	return typeof run?.id === 'number' && typeof run.created_at === 'string';
}

/** Active agents only: an archived agent cannot be called (§2.5). */
export async function listActiveAgents(this: SysevoContext): Promise<Agent[]> {
	const body = await sysevoApiRequest.call(this, {
		method: 'GET',
		path: '/workflow/fetch',
		qs: { status: 'active' },
		purpose: 'listAgents',
	});
	return Array.isArray(body)
		? (body as Agent[]).filter((agent) => checkPositiveInteger(agent?.id, 'agent ID').valid)
		: [];
}

/** The API Trigger paths of an agent's definition (the draft when there is one, §2.5). */
export async function listTriggerPaths(this: SysevoContext, agentId: number): Promise<string[]> {
	const definition = (await sysevoApiRequest.call(this, {
		method: 'GET',
		path: `/workflow/fetch/${agentId}`,
		purpose: 'listAgents',
	})) as AgentDefinition;
	return (definition.workflow_definition?.nodes ?? [])
		.filter((node) => node.type === 'trigger' && typeof node.data?.trigger_path === 'string')
		.map((node) => node.data!.trigger_path!);
}

/**
 * The route that starts a call for a checked workflow UUID or trigger path; the `test` routes run
 * the agent's draft (docs/sysevo-api.md §2.1, §2.2). It also names the call's agent in the dial ledger.
 */
export function triggerPathOf(route: TriggerRoute, identifier: string, draft: boolean): string {
	const prefix = draft ? '/public/agent/test' : '/public/agent';
	return route === 'triggerByPath' ? `${prefix}/${identifier}` : `${prefix}/workflow/${identifier}`;
}

/**
 * Starts a call: each request dials a phone, so it is sent once (docs/sysevo-api.md §0.12).
 * `path` is `triggerPathOf` the route.
 */
export async function triggerCall(
	this: SysevoContext,
	route: TriggerRoute,
	path: string,
	body: IDataObject,
	limits: RequestLimits,
): Promise<IDataObject> {
	return await sysevoApiRequest.call(this, {
		method: 'POST',
		path,
		purpose: route,
		body,
		...limits,
	});
}

/** The run is found by its id within the key's organisation; `workflowId` is ignored (§6.13). */
export async function getRun(
	this: SysevoContext,
	workflowId: number,
	runId: number,
	limits: RequestLimits = {},
): Promise<IDataObject> {
	return await sysevoApiRequest.call(this, {
		method: 'GET',
		path: `/workflow/${workflowId}/runs/${runId}`,
		purpose: 'getRun',
		...limits,
	});
}

/** Like `getRun`, but null when the run does not exist (404). */
export async function findRun(
	this: SysevoContext,
	workflowId: number,
	runId: number,
	limits: RequestLimits = {},
): Promise<Run | null> {
	const read = await settled(getRun.call(this, workflowId, runId, limits));
	if (read.ok) return isRun(read.value) ? read.value : null;
	if ((read.error as { httpCode?: string }).httpCode === '404') return null;
	throw read.error;
}

/** One page of an agent's runs, sorted by `created_at` (§2.4). */
export async function listRunsPage(
	this: SysevoContext,
	workflowId: number,
	query: RunListQuery,
	limits: RequestLimits = {},
): Promise<Run[]> {
	return (await readRunsPage.call(this, workflowId, query, limits)).runs;
}

/**
 * One page: its runs, and how many rows it listed. A row that is not a run is left out, but still
 * counts towards the page being full, so it does not end the read early.
 */
async function readRunsPage(
	this: SysevoContext,
	workflowId: number,
	query: RunListQuery,
	limits: RequestLimits,
): Promise<{ runs: Run[]; listed: number }> {
	const body = await sysevoApiRequest.call(this, {
		method: 'GET',
		path: `/workflow/${workflowId}/runs`,
		qs: {
			page: query.page,
			limit: query.limit,
			sort_by: 'created_at',
			sort_order: query.newestFirst ? 'desc' : 'asc',
			...(query.filters?.length ? { filters: JSON.stringify(query.filters) } : {}),
		},
		purpose: 'listRuns',
		...limits,
	});
	const rows: unknown[] = Array.isArray(body.runs) ? body.runs : [];
	return { runs: rows.filter(isRun), listed: rows.length };
}

/** Runs per page of every run-list read: the most the route returns (§2.4). */
export const RUN_PAGE_SIZE = 100;
/** The most pages one read of a run list takes: a safety stop far above any real list. */
export const MAX_RUN_PAGES = 1000;

export type RunPagesQuery = Omit<RunListQuery, 'page' | 'limit'>;

/**
 * Reads an agent's run list from its first page and hands each page's runs to `onPage`, leaving
 * out runs an earlier page listed: offset pages shift while runs are written, so a run can be
 * listed twice. Stops when `onPage` answers 'stop', after a short page (the end of the list), or
 * after `MAX_RUN_PAGES` pages; returns false in that last case only.
 */
export async function forEachRunPage(
	this: SysevoContext,
	workflowId: number,
	query: RunPagesQuery,
	onPage: (runs: Run[]) => 'more' | 'stop',
	limits: RequestLimits = {},
): Promise<boolean> {
	const seen = new Set<number>();
	for (let page = 1; page <= MAX_RUN_PAGES; page++) {
		const { runs, listed } = await readRunsPage.call(
			this,
			workflowId,
			{ ...query, page, limit: RUN_PAGE_SIZE },
			limits,
		);
		const unseen = runs.filter((run) => {
			if (seen.has(run.id)) return false;
			seen.add(run.id);
			return true;
		});
		if (onPage(unseen) === 'stop' || listed < RUN_PAGE_SIZE) return true;
	}
	return false;
}

/** The organisation's telephony configurations (§2.7). */
export async function listTelephonyConfigurations(
	this: SysevoContext,
): Promise<TelephonyConfiguration[]> {
	const body = await sysevoApiRequest.call(this, {
		method: 'GET',
		path: '/organizations/telephony-configs',
		purpose: 'other',
	});
	const configurations = Array.isArray(body.configurations) ? body.configurations : [];
	return (configurations as TelephonyConfiguration[]).filter(
		(configuration) => checkPositiveInteger(configuration?.id, 'telephony configuration ID').valid,
	);
}

/** A context that can make plain HTTP requests: the action node, the poller and the webhook. */
export interface PublicDownloadContext {
	helpers: { httpRequest: SysevoContext['helpers']['httpRequest'] };
}

/**
 * A public artifact's text (the transcript, §2.8). It needs no key, so it is fetched without the
 * credential: the API key never travels to the storage host the link redirects to.
 */
export async function downloadPublicText(
	this: PublicDownloadContext,
	url: string,
	timeoutMs = DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
): Promise<string> {
	if (!/^https?:\/\//i.test(url)) throw new Error('The artifact link is not an http(s) URL');
	return (await this.helpers.httpRequest({
		method: 'GET',
		url,
		json: false,
		encoding: 'text',
		timeout: timeoutMs,
	})) as string;
}

export interface PublicFile {
	data: Buffer;
	mimeType?: string;
}

export class FileTooLargeError extends Error {
	constructor(readonly maxBytes: number) {
		super(`The file is larger than ${maxBytes} bytes`);
	}
}

/** The body of a streamed response (a Node readable stream). */
type ByteStream = AsyncIterable<Buffer | string> & { destroy(): void };

async function readAtMost(stream: ByteStream, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += buffer.length;
		if (size > maxBytes) {
			stream.destroy();
			throw new FileTooLargeError(maxBytes);
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

/**
 * A public artifact as bytes (§2.8), fetched like `downloadPublicText`: without the key. It is
 * streamed and given up as soon as it passes `maxBytes`, so a huge file never sits in memory.
 */
export async function downloadPublicFile(
	this: PublicDownloadContext,
	url: string,
	limits: { maxBytes: number; timeoutMs?: number },
): Promise<PublicFile> {
	if (!/^https?:\/\//i.test(url)) throw new Error('The artifact link is not an http(s) URL');
	const response = (await this.helpers.httpRequest({
		method: 'GET',
		url,
		json: false,
		encoding: 'stream',
		returnFullResponse: true,
		timeout: limits.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000,
	})) as { body: ByteStream; headers?: Record<string, string | string[] | undefined> };
	const header = (name: string) => {
		const value = response.headers?.[name];
		return Array.isArray(value) ? value[0] : value;
	};
	const declared = Number(header('content-length'));
	if (Number.isFinite(declared) && declared > limits.maxBytes) {
		response.body.destroy();
		throw new FileTooLargeError(limits.maxBytes);
	}
	const data = await readAtMost(response.body, limits.maxBytes);
	const mimeType = header('content-type')?.split(';')[0].trim();
	return { data, ...(mimeType ? { mimeType } : {}) };
}
