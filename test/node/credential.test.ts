import {
	NodeConnectionTypes,
	type IHttpRequestOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { SysevoApi } from '../../credentials/SysevoApi.credentials';
import { runNode } from '../helpers/engine';
import { SEED, useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

/**
 * n8n tests a credential by running its `test.request` through core's RoutingNode inside a
 * throw-away declarative node; this node does the same.
 */
class CredentialTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['input'],
		version: 1,
		description: 'Runs the Sysevo credential test request',
		defaults: { name: 'Credential Test' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sysevoApi', required: true }],
		properties: [
			{
				displayName: 'Temp',
				name: 'temp',
				type: 'string',
				routing: { request: new SysevoApi().test.request as IHttpRequestOptions },
				default: '',
			},
		],
	};
}

async function testCredential(apiKey: string, baseUrl = sandbox.current.baseUrl) {
	return await runNode({
		parameters: {},
		nodeType: new CredentialTestNode(),
		typeName: 'test.credentialTest',
		credentials: { apiKey, baseUrl },
	});
}

describe('Sysevo API credential test', () => {
	it('passes with a valid key, reading the active agent list', async () => {
		const { error, json } = await testCredential(SEED.apiKey);
		expect(error).toBeUndefined();
		expect(json.map((agent) => agent.name)).toContain(SEED.agents.renewal.name);
		const [request] = sandbox.current.requests;
		expect(request).toMatchObject({
			method: 'GET',
			path: '/api/v1/workflow/fetch',
			query: { status: 'active' },
		});
		expect(request.headers['x-api-key']).toBe(SEED.apiKey);
	});

	it('passes with a base URL written with a trailing slash', async () => {
		const { error } = await testCredential(SEED.apiKey, `${sandbox.current.baseUrl}/`);
		expect(error).toBeUndefined();
	});

	it('fails with a wrong key', async () => {
		const { error } = await testCredential('sk-not-a-key');
		expect(error).toBeDefined();
		expect((error as { httpCode?: string }).httpCode).toBe('401');
		const [request] = sandbox.current.requests;
		expect(request.headers['x-api-key']).toBe('sk-not-a-key');
	});
});
