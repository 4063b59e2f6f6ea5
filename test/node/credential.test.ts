import { ExecuteContext } from 'n8n-core';
import {
	NodeConnectionTypes,
	type IHttpRequestOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { SysevoApi } from '../../credentials/SysevoApi.credentials';
import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

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

describe('Sysevo API credential in the node', () => {
	it('is read once per execution and its key sent with every request', async () => {
		const read = jest.spyOn(
			ExecuteContext.prototype as unknown as { _getCredentials: (type: string) => unknown },
			'_getCredentials',
		);
		try {
			const { error, json } = await runNode({
				parameters: triggerParameters(),
				items: ['+14155552671', '+14155552672', '+14155552673'].map((phone) => ({
					phone,
					name: 'Jane',
				})),
				credentials: credentialsFor(sandbox.current),
			});
			expect(error).toBeUndefined();
			expect(json.map((row) => row.status)).toEqual(['initiated', 'initiated', 'initiated']);
			expect(read.mock.calls.map(([type]) => type)).toEqual(['sysevoApi']);
		} finally {
			read.mockRestore();
		}
		// Three triggers and the agent list behind workflow_id.
		expect(sandbox.current.requests.map((request) => request.method).sort()).toEqual([
			'GET',
			'POST',
			'POST',
			'POST',
		]);
		for (const request of sandbox.current.requests)
			expect(request.headers['x-api-key']).toBe(SEED.apiKey);
	});
});
