/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import type { IncomingMessage } from 'node:http';

import type { ValidationItem } from './validation';

/** A fully built answer; the server decides how (and whether) to put it on the wire. */
export interface SandboxResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
}

export const JSON_TYPE = 'application/json';

export function json(
	status: number,
	value: unknown,
	headers: Record<string, string> = {},
): SandboxResponse {
	return {
		status,
		headers: { 'content-type': JSON_TYPE, ...headers },
		body: JSON.stringify(value),
	};
}

/** FastAPI `HTTPException`: `{"detail": "<string>"}`. */
export function detail(status: number, message: string): SandboxResponse {
	return json(status, { detail: message });
}

/** FastAPI `RequestValidationError`: `{"detail": [items]}`. */
export function validationError(items: ValidationItem[]): SandboxResponse {
	return json(422, { detail: items });
}

/** Starlette's default answer to an unhandled exception. */
export function internalServerError(): SandboxResponse {
	return {
		status: 500,
		headers: { 'content-type': 'text/plain; charset=utf-8' },
		body: 'Internal Server Error',
	};
}

export function redirect(status: 302 | 307, location: string): SandboxResponse {
	return { status, headers: { location }, body: '' };
}

export const NOT_FOUND = (): SandboxResponse => detail(404, 'Not Found');

export function readBody(
	request: IncomingMessage,
	limitBytes: number,
): Promise<Buffer | 'tooLarge'> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limitBytes) tooLarge = true;
			else chunks.push(chunk);
		});
		request.on('end', () => resolve(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

export function flattenHeaders(request: IncomingMessage): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return result;
}

export function lastValues(params: URLSearchParams): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of params) result[name] = value;
	return result;
}

/** Starlette's query-param lookup: the last occurrence wins. */
export function lastParam(params: URLSearchParams, name: string): string | null {
	const values = params.getAll(name);
	return values.length > 0 ? values[values.length - 1] : null;
}

export function isLoopback(address: string | undefined): boolean {
	return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
