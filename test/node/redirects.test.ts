import { runNode } from '../helpers/engine';
import { SEED } from '../helpers/sandbox';
import { startServer } from '../helpers/servers';
import { getRunParameters, triggerParameters } from './params';

const KEY = SEED.apiKey;

describe('the API key never travels to another origin', () => {
	it.each([301, 302, 307, 308])('a %i from the API is refused, not followed', async (status) => {
		const elsewhere = await startServer(() => ({
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: '{}',
		}));
		const api = await startServer(() => ({
			status,
			headers: { location: `${elsewhere.origin}/steal` },
		}));
		try {
			const trigger = await runNode({
				parameters: triggerParameters(),
				items: [{ phone: '+14155552671', name: 'Jane' }],
				credentials: { apiKey: KEY, baseUrl: `${api.origin}/api/v1` },
			});
			expect(trigger.error?.message).toBe(
				`Sysevo answered with a redirect (HTTP ${status}), which the node does not follow with your API key`,
			);
			const read = await runNode({
				parameters: getRunParameters({
					workflowId: { __rl: true, mode: 'id', value: '312' },
					runId: '48213',
				}),
				credentials: { apiKey: KEY, baseUrl: `${api.origin}/api/v1` },
			});
			expect(read.error?.message).toContain('redirect');
			expect(api.requests.length).toBeGreaterThan(0);
			expect(api.requests.every((request) => request.headers['x-api-key'] === KEY)).toBe(true);
			expect(elsewhere.requests).toHaveLength(0);
		} finally {
			await api.close();
			await elsewhere.close();
		}
	});

	it('a base URL with user info, query or another scheme is refused before any request', async () => {
		for (const baseUrl of [
			'http://user:pw@127.0.0.1:9/api/v1',
			'http://127.0.0.1:9/api/v1?x=1',
			'ftp://127.0.0.1/api/v1',
			'not a url',
		]) {
			const { error } = await runNode({
				parameters: triggerParameters(),
				items: [{ phone: '+14155552671', name: 'Jane' }],
				credentials: { apiKey: KEY, baseUrl },
			});
			expect(error?.message).toMatch(/Base URL/);
			expect(error?.message).not.toContain(KEY);
		}
	});
});

describe('answers the contract does not allow', () => {
	it('a trigger accepted without a run ID fails its item and says the call may have been placed', async () => {
		const api = await startServer(() => ({
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: '{"status":"initiated"}',
		}));
		try {
			const { error } = await runNode({
				parameters: triggerParameters({ waitForCompletion: true }),
				items: [{ phone: '+14155552671', name: 'Jane' }],
				credentials: { apiKey: KEY, baseUrl: `${api.origin}/api/v1` },
			});
			expect(error?.message).toBe('Sysevo accepted the call but returned no run ID');
			expect(error?.description).toContain('The call may have been placed');
			expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
				`POST /api/v1/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`,
			]);
		} finally {
			await api.close();
		}
	});
});
