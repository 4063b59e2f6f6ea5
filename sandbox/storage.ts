/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the sandbox is a Node server, not part of the published package */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Artifact } from './data';
import { flattenHeaders, lastValues, readBody } from './http';
import type { RecordedRequest } from './types';

const BUCKET = 'sysevo-artifacts';
const SIGNED_URL_TTL_SECONDS = 3600;

/**
 * Stands in for the object store behind the signed download URLs: a separate origin (own
 * port) that knows nothing about API keys and only honours its own signatures.
 */
export class StorageServer {
	readonly requests: RecordedRequest[] = [];
	private readonly secret = randomBytes(32);
	private readonly server: Server;
	private originValue = '';

	constructor(private readonly artifacts: () => Map<string, Artifact>) {
		this.server = createServer((request, response) => {
			void this.handle(request, response);
		});
	}

	get origin(): string {
		return this.originValue;
	}

	/** Listens on its own port: a different origin from the API server. */
	async start(host: string, publicHost: string): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
		const { port } = this.server.address() as AddressInfo;
		this.originValue = `http://${publicHost}:${port}`;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	signedUrl(key: string, inline: boolean): string {
		const expires = Math.floor(Date.now() / 1000) + SIGNED_URL_TTL_SECONDS;
		const disposition = inline ? 'inline' : 'attachment';
		const query = new URLSearchParams({ expires: String(expires), disposition });
		query.set('sig', this.sign(key, String(expires), disposition));
		return `${this.originValue}/${BUCKET}/${key}?${query.toString()}`;
	}

	private sign(key: string, expires: string, disposition: string): string {
		return createHmac('sha256', this.secret)
			.update(`${key}\n${expires}\n${disposition}`)
			.digest('hex');
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://storage');
		const rawBody = await readBody(request, 1024 * 1024).catch(() => Buffer.alloc(0));
		this.requests.push({
			method: request.method ?? 'GET',
			path: url.pathname,
			query: lastValues(url.searchParams),
			headers: flattenHeaders(request),
			body: undefined,
			rawBody: rawBody === 'tooLarge' ? '' : rawBody.toString('utf8'),
			at: Date.now(),
		});
		const answer = this.answer(request.method ?? 'GET', url);
		response.writeHead(answer.status, answer.headers);
		response.end(answer.body);
	}

	private answer(
		method: string,
		url: URL,
	): { status: number; headers: Record<string, string>; body: Buffer | string } {
		if (method !== 'GET' && method !== 'HEAD')
			return s3Error(
				405,
				'MethodNotAllowed',
				'The specified method is not allowed against this resource.',
			);
		const prefix = `/${BUCKET}/`;
		if (!url.pathname.startsWith(prefix))
			return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
		const key = decodeURIComponent(url.pathname.slice(prefix.length));
		const expires = url.searchParams.get('expires') ?? '';
		const disposition = url.searchParams.get('disposition') ?? '';
		if (!this.signatureMatches(key, expires, disposition, url.searchParams.get('sig') ?? '')) {
			return s3Error(
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.',
			);
		}
		if (Number(expires) * 1000 < Date.now())
			return s3Error(403, 'AccessDenied', 'Request has expired');
		const artifact = this.artifacts().get(key);
		if (!artifact) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		const fileName = key.split('/').pop() ?? key;
		return {
			status: 200,
			headers: {
				'content-type': artifact.contentType,
				'content-length': String(artifact.body.length),
				'content-disposition':
					disposition === 'inline' ? 'inline' : `attachment; filename="${fileName}"`,
			},
			body: artifact.body,
		};
	}

	private signatureMatches(
		key: string,
		expires: string,
		disposition: string,
		signature: string,
	): boolean {
		const expected = Buffer.from(this.sign(key, expires, disposition));
		const given = Buffer.from(signature);
		return given.length === expected.length && timingSafeEqual(given, expected);
	}
}

function s3Error(status: number, code: string, message: string) {
	return {
		status,
		headers: { 'content-type': 'application/xml' },
		body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
	};
}
