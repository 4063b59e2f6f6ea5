// An open-loop HTTP sender for load runs: requests leave on a fixed schedule (k ÷ rate seconds
// after the start), whether or not earlier ones were answered, so a slow server cannot slow the
// offer down and hide its own latency (coordinated omission). Loopback only, bounded in count
// and time: every request ends by its timeout.
import http from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function percentile(sorted, p) {
	return sorted.length
		? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
		: 0;
}

/** p50, p99 and max of a list of milliseconds, one decimal. */
export function latencySummary(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const round = (ms) => Number(ms.toFixed(1));
	return {
		p50_ms: round(percentile(sorted, 50)),
		p99_ms: round(percentile(sorted, 99)),
		max_ms: round(sorted.at(-1) ?? 0),
	};
}

/**
 * Sends `requests` ({ body, headers, ...anything }) to `url` at `rate` per second. Resolves with
 * one answer per request, in order: { request, status (0 when none), text, ms (answer time from
 * the scheduled send time), lagMs (how late the request got its socket and left) }. Keep-alive
 * sockets, as many as `rate` × the timeout by default, so that no request waits for one.
 */
export async function openLoop(
	url,
	requests,
	{ rate, timeoutMs = 30_000, sockets = Math.ceil((rate * timeoutMs) / 1000) },
) {
	const target = new URL(url);
	if (!LOOPBACK.has(target.hostname)) throw new Error(`openLoop sends to loopback only: ${url}`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
	const answers = new Array(requests.length);
	const t0 = performance.now();
	const due = (k) => t0 + (k * 1000) / rate;
	const send = (k) =>
		new Promise((resolve) => {
			const request = requests[k];
			const scheduled = due(k);
			let lagMs = performance.now() - scheduled;
			let settled = false;
			const finish = (status, text) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				answers[k] = { request, status, text, ms: performance.now() - scheduled, lagMs };
				resolve();
			};
			const body = Buffer.from(request.body);
			const req = http.request(target, {
				method: 'POST',
				agent,
				headers: { ...request.headers, 'content-length': body.length },
			});
			req.once('socket', () => (lagMs = performance.now() - scheduled));
			const timer = setTimeout(() => {
				req.destroy();
				finish(0, 'timeout');
			}, timeoutMs);
			req.on('response', (response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () =>
					finish(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')),
				);
				response.on('error', (error) => finish(0, String(error.code ?? error.message)));
			});
			req.on('error', (error) => finish(0, String(error.code ?? error.message)));
			req.end(body);
		});
	const inFlight = [];
	let next = 0;
	await new Promise((resolve) => {
		const tick = () => {
			const now = performance.now();
			while (next < requests.length && due(next) <= now) inFlight.push(send(next++));
			if (next < requests.length) setTimeout(tick, Math.max(0, Math.min(5, due(next) - now)));
			else resolve();
		};
		tick();
	});
	const offerSeconds = (performance.now() - t0) / 1000;
	await Promise.all(inFlight);
	agent.destroy();
	return { answers, offerSeconds };
}
