// Small loopback HTTP servers for cases the sandbox has no reason to model.
const http = require('node:http');

/** Records every request it receives; answers with `answer(request)` → {status, headers, body}. */
async function startServer(answer) {
	const requests = [];
	const server = http.createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			requests.push({ method: request.method, url: request.url, headers: request.headers, body });
			const { status = 200, headers = {}, body: out = '' } = answer(request) ?? {};
			response.writeHead(status, headers);
			response.end(out);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${server.address().port}`;
	return { origin, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

module.exports = { startServer };
