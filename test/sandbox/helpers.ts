/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Sandbox } from '../../sandbox';

/** Decoded JSON bodies: their shape is what the tests assert, so they are not typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

export const JSON_HEADERS = { 'content-type': 'application/json' };

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	body: Json;
}

async function answerOf(response: Response): Promise<Answer> {
	const text = await response.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	return { status: response.status, headers: response.headers, text, body };
}

/** A thin client for the sandbox API; `key: null` sends no X-API-Key. */
export function client(sandbox: Sandbox) {
	const headersFor = (key: string | null | undefined, extra: Record<string, string> = {}) => ({
		...(key === null ? {} : { 'x-api-key': key ?? sandbox.apiKey }),
		...extra,
	});
	return {
		async get(path: string, key?: string | null): Promise<Answer> {
			return answerOf(
				await fetch(`${sandbox.baseUrl}${path}`, { headers: headersFor(key), redirect: 'manual' }),
			);
		},
		async post(path: string, body: unknown, key?: string | null): Promise<Answer> {
			return answerOf(
				await fetch(`${sandbox.baseUrl}${path}`, {
					method: 'POST',
					headers: headersFor(key, JSON_HEADERS),
					body: typeof body === 'string' ? body : JSON.stringify(body),
				}),
			);
		},
		async raw(path: string, init: RequestInit): Promise<Answer> {
			return answerOf(await fetch(`${sandbox.baseUrl}${path}`, { redirect: 'manual', ...init }));
		},
		async run(runId: number): Promise<Json> {
			return (await this.get(`/workflow/312/runs/${runId}`)).body;
		},
	};
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor<T>(
	probe: () => Promise<T | undefined | false>,
	timeoutMs = 3000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
		await sleep(10);
	}
}

export interface ReceivedHook {
	method: string;
	headers: IncomingMessage['headers'];
	rawBody: string;
	/** The body parsed as JSON, or undefined when it is not JSON. */
	body: Json;
	at: number;
}

/**
 * A local HTTP receiver for webhook deliveries. `statuses` are answered in turn (then 200);
 * `'hang'` never answers.
 */
export async function startHookReceiver(statuses: Array<number | 'hang'> = []) {
	const received: ReceivedHook[] = [];
	const script = [...statuses];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let body: Json;
			try {
				body = JSON.parse(rawBody);
			} catch {
				body = undefined;
			}
			received.push({
				method: request.method ?? '',
				headers: request.headers,
				rawBody,
				body,
				at: Date.now(),
			});
			const next = script.shift() ?? 200;
			if (next === 'hang') return;
			response.statusCode = next;
			response.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
