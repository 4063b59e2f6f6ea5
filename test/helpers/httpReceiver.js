// A loopback HTTP server that hands each request to a handler the way n8n's webhook server does:
// the raw bytes as `rawBody`, and `body` parsed when the request says it is JSON and parses.
const http = require('node:http');

function parseJsonBody(headers, raw) {
	if (!/^application\/json\b/i.test(headers['content-type'] ?? '')) return {};
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		return {};
	}
}

async function startReceiver(handler) {
	const server = http.createServer((request, response) => {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', async () => {
			const rawBody = Buffer.concat(chunks);
			const req = Object.assign(request, {
				rawBody,
				body: parseJsonBody(request.headers, rawBody),
				params: {},
				query: {},
			});
			try {
				const answer = await handler(req, response);
				if (!response.writableEnded) {
					response.writeHead(200, { 'content-type': 'application/json' });
					response.end(JSON.stringify(answer ?? {}));
				}
			} catch (error) {
				if (!response.writableEnded) {
					response.writeHead(500, { 'content-type': 'application/json' });
					response.end(JSON.stringify({ error: String(error && error.message) }));
				}
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}/webhook/sysevo`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

module.exports = { startReceiver };
