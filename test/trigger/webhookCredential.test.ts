import { HookContext } from 'n8n-core';
import {
	NodeHelpers,
	validateNodeCredentials,
	Workflow,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type INode,
	type INodeParameters,
} from 'n8n-workflow';

import { SysevoWebhookApi } from '../../credentials/SysevoWebhookApi.credentials';
import { SysevoTrigger } from '../../nodes/SysevoTrigger/SysevoTrigger.node';
import { additionalDataFor, nodeTypesFor } from '../helpers/engine';
import {
	makeArtifactDir,
	removeDir,
	scanForLeaks,
	suiteSecrets,
	WEBHOOK_TEST_SECRETS,
} from '../helpers/leaks';
import { TRIGGER_TYPE, webhookTrigger } from './harness';

const CREDENTIAL = { headerName: 'X-Sysevo-Secret', secret: WEBHOOK_TEST_SECRETS.credential };
const LEGACY = WEBHOOK_TEST_SECRETS.legacy;
const RUN = { workflow_run_id: '48600', gathered_context: '{"call_disposition": "user_hangup"}' };

type Receiver = Awaited<ReturnType<typeof webhookTrigger>>;
let receiver: Receiver | undefined;

async function receiverWith(...args: Parameters<typeof webhookTrigger>): Promise<Receiver> {
	await receiver?.close();
	receiver = await webhookTrigger(...args);
	return receiver;
}

afterAll(async () => {
	await receiver?.close();
});

const trigger = new SysevoTrigger();
const { properties } = trigger.description;

function savedNode(parameters: INodeParameters, credentials?: INode['credentials']): INode {
	return {
		id: 'c4b2e6d3-0000-4000-8000-000000000010',
		name: 'Sysevo Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...(credentials ? { credentials } : {}),
	};
}

/** The parameters as the editor holds them (defaults filled in) and as it saves them (defaults left out). */
function editorParameters(node: INode): INodeParameters {
	return NodeHelpers.getNodeParameters(
		properties,
		node.parameters,
		true,
		false,
		node,
		trigger.description,
	)!;
}
function savedParameters(node: INode, parameters: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(
		properties,
		parameters,
		false,
		false,
		node,
		trigger.description,
	)!;
}

describe('Sysevo Trigger, webhook secret', () => {
	describe('authentication', () => {
		it('accepts the secret of the Sysevo Webhook API credential and nothing else', async () => {
			const hook = await receiverWith({}, { credential: CREDENTIAL });
			const right = await hook.post(RUN, { 'X-Sysevo-Secret': CREDENTIAL.secret });
			const wrong = await hook.post(RUN, { 'X-Sysevo-Secret': `${CREDENTIAL.secret}x` });
			const missing = await hook.post(RUN);

			expect(right.status).toBe(200);
			for (const answer of [wrong, missing]) {
				expect(answer).toEqual({
					status: 401,
					body: { error: 'Missing or wrong shared secret in the X-Sysevo-Secret header' },
				});
			}
			expect(hook.emitted.map((item) => item.id)).toEqual([48600]);
		});

		it('uses a secret still saved in the node until it is removed, as n8n keeps the credential inactive until then', async () => {
			const hook = await receiverWith({ secret: LEGACY }, { credential: CREDENTIAL });
			expect((await hook.post(RUN, { 'X-Sysevo-Secret': CREDENTIAL.secret })).status).toBe(401);
			expect((await hook.post(RUN, { 'X-Sysevo-Secret': LEGACY })).status).toBe(200);
			expect(hook.emitted).toHaveLength(1);
		});

		it("takes the credential's header name, and a Bearer token on Authorization", async () => {
			const hook = await receiverWith(
				{},
				{ credential: { headerName: 'Authorization', secret: CREDENTIAL.secret } },
			);
			const bearer = await hook.post(RUN, { Authorization: `Bearer ${CREDENTIAL.secret}` });
			const otherHeader = await hook.post(RUN, { 'X-Sysevo-Secret': CREDENTIAL.secret });

			expect(bearer.status).toBe(200);
			expect(otherHeader).toEqual({
				status: 401,
				body: { error: 'Missing or wrong shared secret in the Authorization header' },
			});
		});

		it('still accepts the Header Name and Shared Secret parameters of a workflow saved before the credential', async () => {
			const hook = await receiverWith({ headerName: 'X-Legacy-Secret', secret: LEGACY });
			const right = await hook.post(RUN, { 'X-Legacy-Secret': LEGACY });
			const wrong = await hook.post(RUN, { 'X-Legacy-Secret': CREDENTIAL.secret });

			expect(right.status).toBe(200);
			expect(wrong.status).toBe(401);
			expect(hook.emitted.map((item) => item.id)).toEqual([48600]);
		});

		it('answers 401 to everything when neither a credential nor a saved secret is set', async () => {
			const hook = await receiverWith({ secret: '' });
			const answer = await hook.post(RUN, { 'X-Sysevo-Secret': '' });
			expect(answer).toEqual({
				status: 401,
				body: { error: 'Missing or wrong shared secret in the secret header' },
			});
			expect(hook.emitted).toEqual([]);
		});
	});

	describe('activation', () => {
		async function activate(parameters: INodeParameters, credential?: object) {
			const node = savedNode(
				{ mode: 'webhook', ...parameters },
				credential ? { sysevoWebhookApi: { id: '2', name: 'Sysevo webhook' } } : undefined,
			);
			const workflow = new Workflow({
				id: 'wf',
				nodes: [node],
				connections: {},
				active: true,
				nodeTypes: nodeTypesFor({ [TRIGGER_TYPE]: trigger }),
			});
			return await trigger.webhookMethods.default.create.call(
				new HookContext(
					workflow,
					node,
					additionalDataFor({ ...credential }),
					'trigger',
					'activate',
				),
			);
		}

		it('activates with a credential or with a saved secret, and says what to fix otherwise', async () => {
			await expect(activate({}, CREDENTIAL)).resolves.toBe(true);
			await expect(activate({ secret: LEGACY })).resolves.toBe(true);
			await expect(
				activate({}, { headerName: 'X-Sysevo-Secret', secret: 'short' }),
			).rejects.toThrow('The shared secret must be at least 16 characters long');
			await expect(activate({})).rejects.toMatchObject({
				message: 'No Sysevo Webhook API credential is selected',
				description: expect.stringContaining('Select or create a Sysevo Webhook API credential'),
			});
		});
	});

	describe('in the workflow', () => {
		it('saves no secret into a new webhook trigger', () => {
			const node = savedNode({ mode: 'webhook' });
			const saved = savedParameters(node, editorParameters(node));
			expect(saved).toEqual({ mode: 'webhook', filters: {}, options: {} });
		});

		it('keeps the secret parameters of a workflow saved before the credential when n8n loads it', () => {
			const node = savedNode({ mode: 'webhook', headerName: 'X-Legacy-Secret', secret: LEGACY });
			const loaded = editorParameters(node);
			expect(loaded).toMatchObject({ headerName: 'X-Legacy-Secret', secret: LEGACY });
			expect(savedParameters(node, loaded)).toMatchObject({
				headerName: 'X-Legacy-Secret',
				secret: LEGACY,
			});
		});

		it('drops the old secret when Receive Results By is switched to Polling and back, as the notice says', () => {
			const node = savedNode({ mode: 'webhook', secret: LEGACY });
			const polling = savedParameters(node, { ...editorParameters(node), mode: 'polling' });
			expect(polling).not.toHaveProperty('secret');
			const back = savedNode({ ...polling, mode: 'webhook' });
			expect(savedParameters(back, editorParameters(back))).not.toHaveProperty('secret');
		});

		it('shows the move-the-secret notice only while a secret is saved in the node', () => {
			const notice = properties.find((property) => property.name === 'legacySecretNotice')!;
			const shown = (parameters: INodeParameters) => {
				const node = savedNode(parameters);
				return NodeHelpers.displayParameter(
					editorParameters(node),
					notice,
					node,
					trigger.description,
				);
			};
			expect(shown({ mode: 'webhook', secret: LEGACY })).toBe(true);
			expect(shown({ mode: 'webhook' })).toBe(false);
			expect(shown({ mode: 'polling' })).toBe(false);
		});

		it('asks for the Sysevo Webhook API credential in webhook mode, except from a node that still carries its secret', () => {
			const missing = (parameters: INodeParameters, credentials?: INode['credentials']) => {
				const node = savedNode(parameters, credentials);
				return validateNodeCredentials(
					{ ...node, parameters: editorParameters(node) },
					trigger,
				).map((issue) => issue.credentialName);
			};
			const selected = { sysevoWebhookApi: { id: '2', name: 'Sysevo webhook' } };
			expect(missing({ mode: 'webhook' })).toEqual(['sysevoWebhookApi']);
			expect(missing({ mode: 'webhook' }, selected)).toEqual([]);
			expect(missing({ mode: 'webhook', secret: LEGACY })).toEqual([]);
			expect(missing({ mode: 'polling' }, { sysevoApi: { id: '1', name: 'Sysevo' } })).toEqual([]);
		});
	});

	describe('credential', () => {
		const test = trigger.methods.credentialTest.sysevoWebhookSecretTest;
		const check = async (data: object) =>
			await test.call(
				{} as ICredentialTestFunctions,
				{
					id: '2',
					name: 'Sysevo webhook',
					type: 'sysevoWebhookApi',
					data,
				} as ICredentialsDecrypted,
			);

		it('has a header name and a password secret, and a test that checks both', async () => {
			const credential = new SysevoWebhookApi();
			expect(credential.name).toBe('sysevoWebhookApi');
			expect(credential.properties.map((property) => [property.name, property.default])).toEqual([
				['headerName', 'X-Sysevo-Secret'],
				['secret', ''],
			]);
			expect(credential.properties[1].typeOptions).toEqual({ password: true });
			expect(trigger.description.credentials).toContainEqual(
				expect.objectContaining({ name: credential.name, testedBy: 'sysevoWebhookSecretTest' }),
			);

			await expect(check(CREDENTIAL)).resolves.toEqual({
				status: 'OK',
				message: 'The header name and secret can be used',
			});
			await expect(check({ headerName: 'X-Sysevo-Secret', secret: 'short' })).resolves.toEqual({
				status: 'Error',
				message: 'The shared secret must be at least 16 characters long',
			});
			await expect(check({ headerName: 'X Secret', secret: CREDENTIAL.secret })).resolves.toEqual({
				status: 'Error',
				message: '"X Secret" is not a valid HTTP header name',
			});
		});
	});

	it('the suite-wide leak scan looks for the webhook test secrets', () => {
		const dir = makeArtifactDir({
			'a.jsonl': `${JSON.stringify({ kind: 'log', value: `header was ${LEGACY}` })}\n`,
			'b.jsonl': `${JSON.stringify({ kind: 'output', value: { s: CREDENTIAL.secret } })}\n`,
		});
		try {
			const scan = scanForLeaks(dir, suiteSecrets([]));
			expect(scan.leaks.map((leak) => leak.kind).sort()).toEqual(['log', 'output']);
		} finally {
			removeDir(dir);
		}
	});
});
