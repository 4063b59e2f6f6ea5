import { OUTCOMES, SEED, startSandbox, type Sandbox } from '../../sandbox';
import { client, sleep, waitFor, type Json } from './helpers';

const route = `/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`;
const PHONE: string = OUTCOMES.answered.examplePhone;

describe('sandbox fault injection, admin routes and teardown', () => {
	let sandbox: Sandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sandbox = await startSandbox({ timeScale: 0.005 });
		api = client(sandbox);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	const trigger = (phone = PHONE) => api.post(route, { phone_number: phone });
	const newRuns = () => sandbox.runs().filter((run) => run.id >= SEED.firstNewRunId);

	describe('gateway faults happen before any side effect', () => {
		it('text500: plain-text Internal Server Error, no call placed', async () => {
			sandbox.faults.inject({ kind: 'text500', route: 'trigger' });
			const answer = await trigger();
			expect(answer.status).toBe(500);
			expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
			expect(answer.text).toBe('Internal Server Error');
			expect(newRuns()).toHaveLength(0);
			expect(sandbox.dials(PHONE)).toBe(0);
			expect(sandbox.triggerRequests(PHONE)).toBe(1);
			expect((await trigger()).status).toBe(200); // times defaults to 1
		});

		it('html502: nginx Bad Gateway page', async () => {
			sandbox.faults.inject({ kind: 'html502', route: 'getRun' });
			const answer = await api.get(`/workflow/312/runs/${SEED.runs.answered}`);
			expect(answer.status).toBe(502);
			expect(answer.headers.get('content-type')).toBe('text/html');
			expect(answer.text).toContain('<center><h1>502 Bad Gateway</h1></center>');
		});

		it('json503: the Dograh outage detail', async () => {
			sandbox.faults.inject({ kind: 'json503', route: 'listAgents', times: 2 });
			for (let index = 0; index < 2; index++) {
				const answer = await api.get('/workflow/fetch');
				expect(answer.status).toBe(503);
				expect(answer.body).toEqual({
					detail: 'A Dograh service is temporarily unavailable. Please try again later.',
				});
			}
			expect((await api.get('/workflow/fetch')).status).toBe(200);
		});

		it('route and phone filters decide which requests are hit', async () => {
			sandbox.faults.inject({
				kind: 'json503',
				route: 'trigger',
				phone: OUTCOMES.voicemail.examplePhone,
				times: Infinity,
			});
			expect((await api.get('/workflow/fetch')).status).toBe(200);
			expect((await trigger()).status).toBe(200);
			expect((await trigger(OUTCOMES.voicemail.examplePhone)).status).toBe(503);
			expect((await trigger(OUTCOMES.voicemail.examplePhone)).status).toBe(503);
			sandbox.faults.clear();
			expect((await trigger(OUTCOMES.voicemail.examplePhone)).status).toBe(200);
		});
	});

	describe('connection faults', () => {
		it('resetBeforeRead: the socket dies, nothing happens, nothing is counted', async () => {
			sandbox.faults.inject({ kind: 'resetBeforeRead', route: 'trigger' });
			await expect(trigger()).rejects.toThrow();
			expect(newRuns()).toHaveLength(0);
			expect(sandbox.triggerRequests(PHONE)).toBe(0);
			expect(sandbox.dials(PHONE)).toBe(0);
		});

		it('resetBeforeRead with a phone filter still has no side effect', async () => {
			sandbox.faults.inject({ kind: 'resetBeforeRead', phone: PHONE });
			await expect(trigger()).rejects.toThrow();
			expect(sandbox.triggerRequests(PHONE)).toBe(0);
			expect(newRuns()).toHaveLength(0);
		});

		it('resetAfterRead: the call IS placed, but no answer arrives', async () => {
			sandbox.faults.inject({ kind: 'resetAfterRead', route: 'trigger' });
			await expect(trigger()).rejects.toThrow();
			expect(newRuns()).toHaveLength(1);
			expect(sandbox.dials(PHONE)).toBe(1);
			expect(sandbox.triggerRequests(PHONE)).toBe(1);
		});

		it('malformedJson: 200 application/json with a truncated body, call placed', async () => {
			sandbox.faults.inject({ kind: 'malformedJson', route: 'trigger' });
			const answer = await trigger();
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toBe('application/json');
			expect(answer.body).toBeUndefined();
			expect(answer.text.startsWith('{"status":"initiated"')).toBe(true);
			expect(sandbox.dials(PHONE)).toBe(1);
		});

		it('slowBody: the normal answer, dribbled over delayMs', async () => {
			sandbox.faults.inject({ kind: 'slowBody', route: 'getRun', delayMs: 300 });
			const started = Date.now();
			const answer = await api.get(`/workflow/312/runs/${SEED.runs.answered}`);
			expect(Date.now() - started).toBeGreaterThanOrEqual(250);
			expect(answer.status).toBe(200);
			expect(answer.body.id).toBe(SEED.runs.answered);
		});

		it('hang: reads the request and never answers (the client must time out)', async () => {
			sandbox.faults.inject({ kind: 'hang', route: 'trigger' });
			await expect(
				fetch(`${sandbox.baseUrl}${route}`, {
					method: 'POST',
					headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'application/json' },
					body: JSON.stringify({ phone_number: PHONE }),
					signal: AbortSignal.timeout(200),
				}),
			).rejects.toThrow();
			expect(sandbox.triggerRequests(PHONE)).toBe(1);
			expect(newRuns()).toHaveLength(0);
		});

		it('latencyMs delays every API answer', async () => {
			sandbox.configure({ latencyMs: 150 });
			try {
				const started = Date.now();
				expect((await api.get('/health', null)).status).toBe(200);
				expect(Date.now() - started).toBeGreaterThanOrEqual(140);
			} finally {
				sandbox.configure({ latencyMs: 0 });
			}
		});
	});

	describe('request log and admin routes', () => {
		it('records every API request with parsed body and lowercase headers', async () => {
			await trigger();
			const [recorded] = sandbox.requests;
			expect(recorded).toMatchObject({
				method: 'POST',
				path: `/api/v1${route}`,
				body: { phone_number: PHONE },
			});
			expect(recorded.headers['x-api-key']).toBe(sandbox.apiKey);
			expect(recorded.rawBody).toBe(JSON.stringify({ phone_number: PHONE }));
			sandbox.clearRequests();
			expect(sandbox.requests).toHaveLength(0);
		});

		it('serves stats, runs, config, faults, webhooks and reset over HTTP', async () => {
			const admin = (path: string, init?: RequestInit) =>
				fetch(`${sandbox.origin}/__sandbox${path}`, init);
			const post = (path: string, body: unknown) =>
				admin(path, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});

			await trigger();
			const stats = await (await admin('/stats')).json();
			expect(stats).toEqual({
				triggerRequests: { [PHONE]: 1 },
				dials: { [PHONE]: 1 },
				liveCalls: 1,
				maxLiveCalls: 1,
				runs: 15,
				requests: 1,
				webhookDeliveries: 0,
			});
			const runs = (await (await admin('/runs')).json()) as Array<{ id: number }>;
			expect(runs.map((run) => run.id)).toContain(SEED.firstNewRunId);

			expect((await post('/config', { concurrencyLimit: 1 })).status).toBe(200);
			expect((await trigger()).status).toBe(429);
			expect((await post('/config', { concurrencyLimit: 'x' })).status).toBe(400);
			expect((await post('/config', { concurrencyLimit: 10 })).status).toBe(200);

			expect(
				(await post('/faults', { kind: 'json503', route: 'listAgents', times: 'Infinity' })).status,
			).toBe(200);
			expect((await api.get('/workflow/fetch')).status).toBe(503);
			expect((await post('/faults', { kind: 'nope' })).status).toBe(400);
			expect((await admin('/faults', { method: 'DELETE' })).status).toBe(200);
			expect((await api.get('/workflow/fetch')).status).toBe(200);

			expect(
				(await post('/webhooks', { workflowId: 312, url: 'http://127.0.0.1:1/x', headers: {} }))
					.status,
			).toBe(200);
			expect((await post('/webhooks', { workflowId: 312, url: null })).status).toBe(200);

			expect((await post('/config', { platformVersion: '1.99' })).status).toBe(400);
			expect((await post('/config', { platformVersion: '1.37' })).status).toBe(200);
			expect((await api.get('/health', null)).body.version).toBe('1.37.0');
			expect((await post('/config', { platformVersion: '1.45' })).status).toBe(200);

			await waitFor(async () => sandbox.liveCalls() === 0, 10_000);
			const foreign = await post('/foreign-runs', { kind: 'inbound', agentId: 312 });
			expect(foreign.status).toBe(200);
			expect(((await foreign.json()) as Json).name).toMatch(/^WR-TEL-IN-\d{8}$/);
			expect((await post('/foreign-runs', { kind: 'nope', agentId: 312 })).status).toBe(400);
			// The inbound call holds an org slot like any other live call.
			expect(((await (await admin('/stats')).json()) as Json).liveCalls).toBe(1);

			expect((await post('/reset', {})).status).toBe(200);
			expect(await (await admin('/stats')).json()).toEqual({
				triggerRequests: {},
				dials: {},
				liveCalls: 0,
				maxLiveCalls: 0,
				runs: 14,
				requests: 0,
				webhookDeliveries: 0,
			});
			expect((await admin('/nope')).status).toBe(404);
		});
	});

	it('close() finishes with a hanging request and live timers, and leaves the port closed', async () => {
		const other = await startSandbox({ timeScale: 1 });
		other.faults.inject({ kind: 'hang', route: 'trigger' });
		const hanging = fetch(`${other.baseUrl}${route}`, {
			method: 'POST',
			headers: { 'x-api-key': other.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ phone_number: PHONE }),
		}).catch((error: unknown) => error);
		await fetch(`${other.baseUrl}${route}`, {
			method: 'POST',
			headers: { 'x-api-key': other.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ phone_number: OUTCOMES.neverCompletes.examplePhone }),
		});
		await waitFor(async () => other.triggerRequests(PHONE) === 1);
		await other.close();
		expect((await hanging) as Error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
		await expect(fetch(`${other.baseUrl}/health`)).rejects.toThrow();
		await sleep(10);
	});
});
