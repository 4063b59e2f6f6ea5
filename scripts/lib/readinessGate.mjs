// A load balancer's view of one n8n webhook process: requests are passed on only while the
// process's `/healthz/readiness` answers 200, and answered 503 otherwise, as a balancer with no
// healthy backend does. n8n opens its port before it adds the webhook routes (`init()` listens,
// `start()` adds them, then `markAsReady()`: n8n's dist/abstract-server.js and
// dist/commands/webhook.js), so a process that is starting answers a delivery 404, which Sysevo
// does not retry (docs/scaling.md, "Webhook bursts").
import http from 'node:http';

/**
 * Starts the gate on a free loopback port in front of `http://127.0.0.1:<backendPort>`.
 * Returns its `url(path)` and `close()`.
 */
export async function startReadinessGate(backendPort, { checkEveryMs = 200 } = {}) {
	let ready = false;
	let closed = false;
	const agent = new http.Agent({ keepAlive: true });

	const checkReadiness = () =>
		new Promise((resolve) => {
			const request = http.get(
				{ host: '127.0.0.1', port: backendPort, path: '/healthz/readiness', agent, timeout: 2000 },
				(response) => {
					response.resume();
					resolve(response.statusCode === 200);
				},
			);
			request.on('timeout', () => request.destroy());
			request.on('error', () => resolve(false));
		});

	const poll = async () => {
		while (!closed) {
			ready = await checkReadiness();
			await new Promise((resolve) => setTimeout(resolve, checkEveryMs));
		}
	};
	void poll();

	const server = http.createServer((incoming, answer) => {
		if (!ready) {
			answer.writeHead(503, { 'content-type': 'application/json' });
			answer.end('{"message":"No webhook process is ready"}');
			incoming.resume();
			return;
		}
		const forwarded = http.request(
			{
				host: '127.0.0.1',
				port: backendPort,
				method: incoming.method,
				path: incoming.url,
				headers: incoming.headers,
				agent,
			},
			(response) => {
				answer.writeHead(response.statusCode ?? 502, response.headers);
				response.pipe(answer);
			},
		);
		forwarded.on('error', () => {
			ready = false;
			if (!answer.headersSent) answer.writeHead(502, { 'content-type': 'application/json' });
			answer.end('{"message":"The webhook process did not answer"}');
		});
		incoming.pipe(forwarded);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		url: (path) => `http://127.0.0.1:${port}/${path}`,
		close: async () => {
			closed = true;
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
			agent.destroy();
		},
	};
}
