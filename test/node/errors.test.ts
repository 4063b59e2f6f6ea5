import { runNode } from '../helpers/engine';
import { ProbeNode } from '../helpers/probeNode';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { byTriggerPath, getRunParameters, triggerParameters } from './params';

const sandbox = useSandbox();

const JANE = [{ phone: '+14155552671', name: 'Jane' }];

async function trigger(
	parameters: ReturnType<typeof triggerParameters>,
	items = JANE,
	apiKey?: string,
) {
	return await runNode({ parameters, items, credentials: credentialsFor(sandbox.current, apiKey) });
}

async function probe(request: object, apiKey?: string) {
	return await runNode({
		parameters: {},
		items: [request as never],
		nodeType: new ProbeNode(),
		typeName: 'test.sysevoProbe',
		credentials: credentialsFor(sandbox.current, apiKey),
	});
}

describe('every API error reaches the user as a clear message with a next step', () => {
	it.each([
		[
			'an unknown trigger path',
			byTriggerPath('no-such-trigger'),
			'Not found: Agent trigger not found',
			"not the agent's workflow UUID",
		],
		[
			'a workflow UUID sent as a trigger path',
			byTriggerPath(SEED.agents.renewal.workflowUuid),
			'Not found: Agent trigger not found',
			'set "Identify Agent By"',
		],
		[
			'an unknown workflow UUID',
			triggerParameters({
				agent: { __rl: true, mode: 'id', value: '00000000-0000-4000-8000-000000000000' },
			}),
			'Not found: Workflow not found',
			'not an API Trigger UUID',
		],
		[
			"another organisation's agent by UUID",
			triggerParameters({
				agent: { __rl: true, mode: 'id', value: SEED.otherOrgAgent.workflowUuid },
			}),
			'Not found: Workflow not found',
			"belongs to the API key's organisation",
		],
		[
			'an archived agent',
			triggerParameters({
				agent: { __rl: true, mode: 'id', value: SEED.agents.archived.workflowUuid },
			}),
			'Not found: Workflow is not active',
			'archived',
		],
		[
			'a never-published agent',
			byTriggerPath(SEED.agents.leadQualifier.triggerPath),
			'Not found: Workflow has no published definition',
			'Use Draft Version',
		],
		[
			'a trigger that exists only in the draft',
			byTriggerPath('appointment-draft-only'),
			'Not found: Trigger not found in the selected Agent',
			'only in the draft',
		],
		[
			'an unknown telephony configuration',
			triggerParameters({ options: { telephonyConfigurationId: 999 } }),
			'Not found: Telephony configuration not found',
			'Options → Telephony Configuration',
		],
		[
			"another organisation's trigger",
			byTriggerPath(SEED.otherOrgAgent.triggerPath),
			'Access denied: Access denied',
			'another Sysevo organisation',
		],
		[
			'an agent without an owner',
			triggerParameters({
				agent: { __rl: true, mode: 'id', value: SEED.agents.noOwner.workflowUuid },
			}),
			'The agent cannot run: Workflow has no execution owner',
			'no owner',
		],
		[
			'a telephony configuration that is not ready',
			triggerParameters({ options: { telephonyConfigurationId: 8 } }),
			"Sysevo cannot place calls yet: 'Vonage backup' is not ready for outbound calls. No phone numbers are configured.",
			'Finish the telephony setup',
		],
	])('%s', async (_case, parameters, message, hint) => {
		const { error } = await trigger(parameters);
		expect(error?.message).toBe(message);
		expect(error?.description).toContain(hint);
		expect(sandbox.current.dials(JANE[0].phone)).toBe(0);
	});

	it('401: a wrong API key, on triggers and on reads', async () => {
		const triggered = await trigger(triggerParameters(), JANE, 'sk-wrong');
		expect(triggered.error?.message).toBe('Sysevo rejected the API key: Invalid API key');
		expect(triggered.error?.httpCode).toBe('401');
		expect(triggered.error?.description).toContain('Check the API key in the Sysevo credential');

		const read = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: '312' },
				runId: '1',
			}),
			credentials: credentialsFor(sandbox.current, SEED.archivedApiKey),
		});
		expect(read.error?.message).toBe('Sysevo rejected the API key: Invalid or expired API key');
	});

	it.each([
		['hosted', 'Sysevo rejected the API key: Unauthorized'],
		['oss', 'Sysevo rejected the API key: Authorization header required'],
	] as const)('401: an empty key on a read (%s auth)', async (authStyle, message) => {
		sandbox.current.configure({ authStyle });
		const { error } = await runNode({
			parameters: getRunParameters({
				workflowId: { __rl: true, mode: 'id', value: '312' },
				runId: '1',
			}),
			credentials: credentialsFor(sandbox.current, ''),
		});
		expect(error?.message).toBe(message);
	});

	it('405: a route that does not take the method points at the base URL', async () => {
		const { error } = await probe({ method: 'POST', path: '/workflow/count', purpose: 'other' });
		expect(error?.message).toBe('Sysevo API route does not accept this request');
		expect(error?.description).toContain('Base URL');
	});

	it('400: no telephony provider configured', async () => {
		sandbox.current.configure({ telephony: 'none' });
		const { error } = await trigger(triggerParameters());
		expect(error?.message).toBe(
			'Sysevo cannot place calls yet: Telephony provider not configured for this organization',
		);
	});

	it('400: the provider rejects the dial', async () => {
		const { error } = await trigger(triggerParameters(), [{ phone: '+14155550005', name: 'Jane' }]);
		expect(error?.message).toMatch(
			/^The telephony provider rejected the call: Failed to initiate call: /,
		);
		expect(error?.description).toContain('no call was connected');
	});

	it('402: out of credits', async () => {
		sandbox.current.configure({ quotaExhausted: true });
		const { error } = await trigger(triggerParameters());
		expect(error?.message).toMatch(/^Your Sysevo organisation is out of call credits: .*credits/);
		expect(error?.description).toContain('No call was placed');
	});

	it('422: request validation, each field and message listed', async () => {
		const { error } = await probe({
			method: 'POST',
			path: `/public/agent/${SEED.agents.renewal.triggerPath}`,
			purpose: 'triggerByPath',
			body: { initial_context: 'not an object', telephony_configuration_id: 'abc' },
		});
		expect(error?.httpCode).toBe('422');
		expect(error?.message).toContain('Sysevo rejected the request: ');
		expect(error?.message).toContain('phone_number: Field required');
		expect(error?.message).toContain('initial_context: Input should be a valid dictionary');
		expect(error?.message).toContain('telephony_configuration_id: Input should be a valid integer');
	});

	it('422: a bad status filter on the agent list (string detail)', async () => {
		const { error } = await probe({
			method: 'GET',
			path: '/workflow/fetch?status=bogus',
			purpose: 'listAgents',
		});
		expect(error?.message).toBe(
			"Sysevo rejected the request: Invalid workflow status filter: ['bogus']. Allowed values: ['active', 'archived'].",
		);
	});

	it('429: the concurrent call cap, after the retry budget', async () => {
		sandbox.current.configure({ concurrencyLimit: 0 });
		const { error } = await probe({
			method: 'POST',
			path: `/public/agent/${SEED.agents.renewal.triggerPath}`,
			purpose: 'triggerByPath',
			body: { phone_number: '+14155552671' },
			rateLimitWaitMs: 0,
		});
		expect(error?.message).toBe(
			'Too many calls are live for your organisation: Concurrent call limit reached',
		);
		expect(error?.description).toContain('No call was placed');
	});

	it.each([
		['text500', 'Sysevo had an internal error (HTTP 500): Internal Server Error'],
		['html502', 'Sysevo is temporarily unavailable (HTTP 502): 502 Bad Gateway'],
		[
			'json503',
			'Sysevo is temporarily unavailable (HTTP 503): A Dograh service is temporarily unavailable. Please try again later.',
		],
	] as const)(
		'%s on a trigger: not retried, and the user is told the call may have been placed',
		async (kind, message) => {
			sandbox.current.faults.inject({ kind, route: 'trigger', times: 5 });
			const { error } = await trigger(triggerParameters());
			expect(error?.message).toContain(message);
			expect(error?.description).toContain('The call may have been placed');
			expect(triggerRequests(sandbox.current)).toHaveLength(1);
		},
	);

	it('an unknown route points at the base URL', async () => {
		const { error } = await runNode({
			parameters: triggerParameters(),
			items: JANE,
			credentials: { apiKey: SEED.apiKey, baseUrl: `${sandbox.current.origin}/api/v2` },
		});
		expect(error?.message).toBe('Not found: Not Found');
		expect(error?.description).toContain('Base URL');
	});
});
