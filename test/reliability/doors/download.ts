// The Download Recording door: Get Run with Download Recording on, against a run API whose public
// recording links lead to a file server that misbehaves in every way a public link can: slow,
// stalled, huge, redirected, lying about its type, an HTML error page with status 200, reset.
// Kept: every item comes out once, paired; a recording that is audio comes out as binary with
// exactly the bytes served; anything else fails its item with an error naming the run; the API key
// never reaches the file server or the origin a link redirects to.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a loopback test server */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import { KEYS } from '../fuzzModel';
import { inputKey, newFigures, Random, type DoorFigures } from './figures';

type Behaviour =
	| { kind: 'ok'; size: number; mime: string; chunked: boolean; magic: string }
	| { kind: 'slow'; size: number; chunks: number; delayMs: number }
	| { kind: 'stalled'; sentBytes: number }
	| { kind: 'stalledHeaders' }
	| { kind: 'tooLargeDeclared'; size: number }
	| { kind: 'tooLargeChunked'; size: number }
	| { kind: 'redirect'; hops: number; size: number }
	| { kind: 'redirectLoop' }
	| { kind: 'redirectScheme'; target: string }
	| { kind: 'lyingType'; mime: string; body: 'html' | 'json' | 'xml' | 'text' }
	| { kind: 'audioAsText'; mime: string; size: number; magic: string }
	| { kind: 'html200'; page: string }
	| { kind: 'status'; status: number }
	| { kind: 'reset'; sentBytes: number }
	| { kind: 'empty' }
	| { kind: 'badLink'; link: string };

const AUDIO_MAGIC: Record<string, Buffer> = {
	wav: Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
	mp3: Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00]),
	ogg: Buffer.from('OggS\x00\x02', 'latin1'),
};
const MIME_OF: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg' };

function audio(size: number, magic: string, fill: number): Buffer {
	const head = AUDIO_MAGIC[magic];
	const body = Buffer.alloc(Math.max(size, head.length), fill);
	head.copy(body);
	return body;
}

const PAGES = {
	html: '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>502 Bad Gateway</h1></body></html>',
	json: '{"detail":"Recording not found"}',
	xml: '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>',
	text: 'Service temporarily unavailable',
};

/** Whether the item must come out with the recording; otherwise it must fail naming its run. */
function delivers(behaviour: Behaviour, maxBytes: number): boolean {
	switch (behaviour.kind) {
		case 'ok':
		case 'audioAsText':
			return behaviour.size <= maxBytes;
		case 'slow':
		case 'redirect':
			return behaviour.size <= maxBytes;
		default:
			return false;
	}
}

function expectedBytes(behaviour: Behaviour, run: number): Buffer | undefined {
	if (behaviour.kind === 'ok' || behaviour.kind === 'audioAsText')
		return audio(behaviour.size, behaviour.magic, run % 251);
	if (behaviour.kind === 'slow' || behaviour.kind === 'redirect')
		return audio(behaviour.size, 'wav', run % 251);
	return undefined;
}

interface Recorded {
	url: string;
	headers: IncomingMessage['headers'];
}

async function listen(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function fuzzDownload(
	seed: number,
	executions: number,
	itemsPerExecution: number,
	timeoutSeconds: number,
): Promise<DoorFigures> {
	const figures = newFigures('download recording');
	const random = new Random(seed);
	const behaviours = new Map<number, Behaviour>();
	const fileRequests: Recorded[] = [];
	const open = new Set<ServerResponse>();
	let fileOrigin = '';
	let otherOrigin = '';

	const serveFile = (run: number, response: ServerResponse, hop = 0) => {
		const behaviour = behaviours.get(run);
		if (!behaviour) {
			response.writeHead(404).end();
			return;
		}
		const fill = run % 251;
		switch (behaviour.kind) {
			case 'ok': {
				const body = audio(behaviour.size, behaviour.magic, fill);
				response.writeHead(200, {
					'content-type': behaviour.mime,
					...(behaviour.chunked ? {} : { 'content-length': String(body.length) }),
				});
				response.end(body);
				return;
			}
			case 'audioAsText': {
				const body = audio(behaviour.size, behaviour.magic, fill);
				response.writeHead(200, {
					'content-type': behaviour.mime,
					'content-length': String(body.length),
				});
				response.end(body);
				return;
			}
			case 'slow': {
				const body = audio(behaviour.size, 'wav', fill);
				response.writeHead(200, { 'content-type': 'audio/wav' });
				const step = Math.ceil(body.length / behaviour.chunks);
				let at = 0;
				const tick = () => {
					if (response.destroyed) return;
					response.write(body.subarray(at, at + step));
					at += step;
					if (at >= body.length) response.end();
					else setTimeout(tick, behaviour.delayMs);
				};
				tick();
				return;
			}
			case 'stalled':
				open.add(response);
				response.writeHead(200, {
					'content-type': 'audio/wav',
					'content-length': String(behaviour.sentBytes * 4 + 64),
				});
				response.write(audio(behaviour.sentBytes, 'wav', fill));
				return;
			case 'stalledHeaders':
				open.add(response);
				return;
			case 'tooLargeDeclared':
				response.writeHead(200, {
					'content-type': 'audio/wav',
					'content-length': String(behaviour.size),
				});
				response.end(audio(Math.min(behaviour.size, 4096), 'wav', fill));
				return;
			case 'tooLargeChunked': {
				response.writeHead(200, { 'content-type': 'audio/wav' });
				const chunk = audio(64 * 1024, 'wav', fill);
				let sent = 0;
				const more = () => {
					while (sent < behaviour.size && !response.destroyed) {
						sent += chunk.length;
						if (!response.write(chunk)) return void response.once('drain', more);
					}
					response.end();
				};
				more();
				return;
			}
			case 'redirect':
				if (hop < behaviour.hops) {
					response.writeHead(302, { location: `${otherOrigin}/f/${run}?hop=${hop + 1}` }).end();
					return;
				}
				response.writeHead(200, { 'content-type': 'audio/wav' });
				response.end(audio(behaviour.size, 'wav', fill));
				return;
			case 'redirectLoop':
				response.writeHead(302, { location: `${fileOrigin}/f/${run}` }).end();
				return;
			case 'redirectScheme':
				response.writeHead(301, { location: behaviour.target }).end();
				return;
			case 'lyingType':
				response.writeHead(200, { 'content-type': behaviour.mime });
				response.end(PAGES[behaviour.body]);
				return;
			case 'html200':
				response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
				response.end(behaviour.page);
				return;
			case 'status':
				response.writeHead(behaviour.status, { 'content-type': 'application/xml' });
				response.end(PAGES.xml);
				return;
			case 'reset':
				response.writeHead(200, {
					'content-type': 'audio/wav',
					'content-length': String(behaviour.sentBytes * 2 + 64),
				});
				response.write(audio(behaviour.sentBytes, 'wav', fill), () => response.socket?.destroy());
				return;
			case 'empty':
				response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': '0' }).end();
				return;
			case 'badLink':
				response.writeHead(404).end();
				return;
		}
	};
	const fileHandler = (request: IncomingMessage, response: ServerResponse) => {
		fileRequests.push({ url: request.url ?? '', headers: request.headers });
		const url = new URL(request.url ?? '/', 'http://x');
		const match = /^\/f\/([0-9]+)$/.exec(url.pathname);
		if (!match) return void response.writeHead(404).end();
		serveFile(Number(match[1]), response, Number(url.searchParams.get('hop') ?? 0));
	};
	const files = createServer(fileHandler);
	const other = createServer(fileHandler);
	// The run API: Get Run answers with a run whose public recording link is on the file server.
	const api = createServer((request, response) => {
		const match = /^\/api\/v1\/workflow\/([0-9]+)\/runs\/([0-9]+)$/.exec(request.url ?? '');
		if (!match || request.headers['x-api-key'] !== KEYS[0]) {
			response.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
			return;
		}
		const run = Number(match[2]);
		const behaviour = behaviours.get(run);
		const link = behaviour?.kind === 'badLink' ? behaviour.link : `${fileOrigin}/f/${run}`;
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify({
				id: run,
				workflow_id: Number(match[1]),
				name: `WR-API-${run}`,
				mode: 'api',
				created_at: '2026-06-20T14:03:11.512345',
				is_completed: true,
				transcript_url: 'transcripts/x.txt',
				recording_url: 'recordings/x.wav',
				transcript_public_url: null,
				recording_public_url: link,
				initial_context: { phone_number: '+14155552671' },
				gathered_context: { call_disposition: 'user_hangup', call_tags: ['user_speech'] },
				cost_info: { call_duration_seconds: 12.5 },
				annotations: {},
				logs: null,
			}),
		);
	});
	fileOrigin = await listen(files);
	otherOrigin = await listen(other);
	const apiOrigin = await listen(api);

	let nextRun = 500_000;
	let delivered = 0;
	try {
		for (let e = 0; e < executions; e++) {
			const maxMb = random.pick([0.001, 0.01, 0.05, 0.2, 1]);
			const maxBytes = Math.round(maxMb * 1024 * 1024);
			const runs: number[] = [];
			for (let i = 0; i < itemsPerExecution; i++) {
				const run = nextRun++;
				const behaviour = pickBehaviour(random, maxBytes, timeoutSeconds);
				behaviours.set(run, behaviour);
				runs.push(run);
				if (!delivers(behaviour, maxBytes) || behaviour.kind !== 'ok' || behaviour.chunked)
					figures.badInputs.add(inputKey('download', { ...behaviour, maxMb }));
			}
			const result = await runNode({
				parameters: {
					resource: 'call',
					operation: 'getRun',
					workflowId: { __rl: true, mode: 'id', value: '312' },
					runId: '={{ $json.run }}',
					waitForCompletion: false,
					options: { downloadRecording: true, maxRecordingSizeMb: maxMb, timeoutSeconds },
				},
				items: runs.map((run) => ({ run })) as IDataObject[],
				credentials: { apiKey: KEYS[0], baseUrl: `${apiOrigin}/api/v1` },
				continueOnFail: true,
			});
			for (const response of open) response.destroy();
			open.clear();
			figures.executions++;
			figures.itemsIn += runs.length;
			const out = result.outputs.flat();
			figures.itemsOut += out.length;
			if (result.error) figures.violations.push(`failed as a whole: ${result.error.message}`);
			if (out.length !== runs.length)
				figures.violations.push(`${runs.length} items in, ${out.length} out`);
			for (const item of out) {
				const index = (item.pairedItem as { item?: number } | undefined)?.item ?? -1;
				const run = runs[index];
				const behaviour = behaviours.get(run);
				if (!behaviour) {
					figures.violations.push(`a row paired with ${index}`);
					continue;
				}
				const what = `${behaviour.kind} (max ${maxMb} MB)`;
				const error = item.json.error;
				if (delivers(behaviour, maxBytes)) {
					const binary = item.binary?.recording;
					if (error || !binary) {
						figures.violations.push(
							`${what}: no recording: ${String(error ?? 'no binary')} (${String(item.json.description ?? '')})`.slice(
								0,
								240,
							),
						);
						continue;
					}
					const bytes = Buffer.from(binary.data, 'base64');
					if (!bytes.equals(expectedBytes(behaviour, run)!))
						figures.violations.push(`${what}: the recording differs from the bytes served`);
					if (!binary.mimeType.startsWith('audio/'))
						figures.violations.push(`${what}: recording typed ${binary.mimeType}`);
					delivered++;
				} else {
					if (item.binary?.recording)
						figures.violations.push(
							`${what}: came out as a recording (${item.binary.recording.mimeType}, ${item.binary.recording.fileSize ?? '?'} )`,
						);
					else if (typeof error !== 'string' || !error.includes(String(run)))
						figures.violations.push(
							`${what}: the error does not name run ${run}: ${String(error).slice(0, 160)}`,
						);
				}
			}
		}
	} finally {
		for (const server of [files, other, api]) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}
	for (const request of fileRequests) {
		const headers = JSON.stringify(request.headers);
		if (KEYS.some((key) => headers.includes(key))) {
			figures.keyLeaks++;
			figures.violations.push(`the API key was sent with a public link: ${request.url}`);
		}
	}
	figures.extra.recordings_delivered = delivered;
	figures.extra.file_requests = fileRequests.length;
	return figures;
}

function pickBehaviour(random: Random, maxBytes: number, timeoutSeconds: number): Behaviour {
	const size = () =>
		random.int(1, Math.max(2, Math.round(maxBytes * (random.chance(0.8) ? 0.9 : 3))));
	const kind = random.pick([
		'ok',
		'ok',
		'slow',
		'stalled',
		'stalledHeaders',
		'tooLargeDeclared',
		'tooLargeChunked',
		'redirect',
		'redirectLoop',
		'redirectScheme',
		'lyingType',
		'audioAsText',
		'html200',
		'status',
		'reset',
		'empty',
		'badLink',
	] as const);
	const magic = random.pick(['wav', 'mp3', 'ogg']);
	switch (kind) {
		case 'ok':
			return {
				kind,
				size: size(),
				mime: random.pick([MIME_OF[magic], 'audio/x-wav', 'audio/wav; codecs=1']),
				chunked: random.chance(0.5),
				magic,
			};
		case 'slow':
			// Dribbled over about half the Request Timeout, never idle for long.
			return {
				kind,
				size: Math.min(size(), maxBytes),
				chunks: random.int(3, 12),
				delayMs: Math.round((timeoutSeconds * 500) / 12),
			};
		case 'stalled':
		case 'reset':
			return { kind, sentBytes: random.int(16, 4096) };
		case 'stalledHeaders':
		case 'redirectLoop':
		case 'empty':
			return { kind };
		case 'tooLargeDeclared':
		case 'tooLargeChunked':
			return { kind, size: maxBytes + random.int(1, 3 * maxBytes) };
		case 'redirect':
			return { kind, hops: random.int(1, 3), size: Math.min(size(), maxBytes) };
		case 'redirectScheme':
			return {
				kind,
				target: random.pick([
					'ftp://127.0.0.1/x',
					'file:///etc/passwd',
					'javascript:alert(1)',
					'data:audio/wav;base64,UklGRg==',
				]),
			};
		case 'lyingType':
			return {
				kind,
				mime: random.pick(['audio/wav', 'audio/mpeg', 'application/octet-stream', 'audio/ogg']),
				body: random.pick(['html', 'json', 'xml', 'text'] as const),
			};
		case 'audioAsText':
			return {
				kind,
				mime: random.pick([
					'text/plain',
					'application/octet-stream',
					'binary/octet-stream',
					'text/html',
				]),
				size: Math.min(size(), maxBytes),
				magic,
			};
		case 'html200':
			return { kind, page: `${PAGES.html}<!-- ${random.int(0, 1e9)} -->` };
		case 'status':
			return { kind, status: random.pick([400, 403, 404, 410, 500, 502, 503]) };
		case 'badLink':
			return {
				kind,
				link: random.pick([
					'file:///etc/passwd',
					'ftp://127.0.0.1/rec.wav',
					'javascript:alert(1)',
					'/relative/rec.wav',
					'http://',
					'http://[::1',
					'https://user:pass@',
					`http://127.0.0.1:1/${random.int(0, 1e6)}`,
				]),
			};
	}
}
