import { ExecuteContext } from 'n8n-core';

import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { byTriggerPath, triggerParameters } from './params';

const sandbox = useSandbox();

const customers = [
	{ phone: '+14155552671', name: 'Jane Smith' },
	{ phone: '+14155552672', name: 'Ola Nordmann' },
];

describe('Trigger Call', () => {
	it.each([
		[
			'workflowUuid',
			false,
			`/api/v1/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`,
			/^WR-API-\d{4}$/,
		],
		[
			'workflowUuid',
			true,
			`/api/v1/public/agent/test/workflow/${SEED.agents.renewal.workflowUuid}`,
			/^WR-TEST-\d{4}$/,
		],
		[
			'triggerUuid',
			false,
			`/api/v1/public/agent/${SEED.agents.renewal.triggerPath}`,
			/^WR-API-\d{4}$/,
		],
		[
			'triggerUuid',
			true,
			`/api/v1/public/agent/test/${SEED.agents.renewal.triggerPath}`,
			/^WR-TEST-\d{4}$/,
		],
	])(
		'by %s with draft %s posts once per item to %s with the contract body',
		async (kind, useDraft, path, runName) => {
			const parameters =
				kind === 'triggerUuid'
					? byTriggerPath(SEED.agents.renewal.triggerPath, { useDraft })
					: triggerParameters({ useDraft });
			const { json, error } = await runNode({
				parameters,
				items: customers,
				credentials: credentialsFor(sandbox.current),
			});
			expect(error).toBeUndefined();

			const posts = triggerRequests(sandbox.current);
			expect(posts.map((request) => request.path)).toEqual([path, path]);
			for (const [i, request] of posts.entries()) {
				expect(request.headers['x-api-key']).toBe(SEED.apiKey);
				expect(request.headers['content-type']).toContain('application/json');
				expect(JSON.parse(request.rawBody)).toEqual({
					phone_number: customers[i].phone,
					initial_context: { customer_name: customers[i].name },
				});
			}

			expect(json).toHaveLength(2);
			for (const [i, output] of json.entries()) {
				expect(output).toEqual({
					status: 'initiated',
					workflow_run_id: expect.any(Number),
					workflow_run_name: expect.stringMatching(runName),
					workflow_id: SEED.agents.renewal.id,
					phone_number: customers[i].phone,
					draft: useDraft,
				});
			}
			expect(sandbox.current.dials('+14155552671')).toBe(1);
			expect(sandbox.current.dials('+14155552672')).toBe(1);
		},
	);

	it('keeps pairedItem pointing at each input item', async () => {
		const { outputs } = await runNode({
			parameters: triggerParameters(),
			items: customers,
			credentials: credentialsFor(sandbox.current),
		});
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('runs a never-published agent only from its draft', async () => {
		const parameters = triggerParameters({
			agent: { __rl: true, mode: 'list', value: SEED.agents.leadQualifier.workflowUuid },
		});
		const published = await runNode({
			parameters,
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		expect(published.error?.message).toBe('Not found: Workflow has no published definition');
		expect(published.error?.description).toContain('turn on "Use Draft Version"');

		const draft = await runNode({
			parameters: { ...parameters, useDraft: true },
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		expect(draft.error).toBeUndefined();
		expect(draft.json[0]).toMatchObject({
			status: 'initiated',
			workflow_id: SEED.agents.leadQualifier.id,
			draft: true,
		});
	});

	it('sends a JSON context with its JSON types', async () => {
		const context = {
			customer: { name: 'Jane', vip: true },
			visits: 3,
			tags: ['renewal'],
			note: null,
		};
		await runNode({
			parameters: triggerParameters({
				contextInput: 'json',
				initialContextJson: JSON.stringify(context),
			}),
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		expect(JSON.parse(triggerRequests(sandbox.current)[0].rawBody)).toEqual({
			phone_number: customers[0].phone,
			initial_context: context,
		});
	});

	it('sends the telephony configuration only when one is set', async () => {
		await runNode({
			parameters: triggerParameters({ options: { telephonyConfigurationId: 7 } }),
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		await runNode({
			parameters: triggerParameters({ options: { telephonyConfigurationId: 0 } }),
			items: [customers[1]],
			credentials: credentialsFor(sandbox.current),
		});
		const [withConfig, withoutConfig] = triggerRequests(sandbox.current).map((request) =>
			JSON.parse(request.rawBody),
		);
		expect(withConfig.telephony_configuration_id).toBe(7);
		expect(withoutConfig).not.toHaveProperty('telephony_configuration_id');
	});

	it.each([
		['(415) 555-2671', 'US', '+14155552671'],
		['415.555.2671', 'US', '+14155552671'],
		['21 23 45 67', 'NO', '+4721234567'],
		['412 34 567', 'NO', '+4741234567'],
		['+44 20 7946 0018', '', '+442079460018'],
	])('normalises %s with default country "%s" to %s', async (phone, defaultCountry, e164) => {
		const { json, error } = await runNode({
			parameters: triggerParameters({ options: { defaultCountry } }),
			items: [{ phone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(JSON.parse(triggerRequests(sandbox.current)[0].rawBody).phone_number).toBe(e164);
		expect(json[0].phone_number).toBe(e164);
	});

	it.each([
		['4155552671', '', 'has no country code'],
		['+1415', '', 'is too short'],
		['+1 415 555 26711', '', 'is too long'],
		['+44 7700 900123', '', 'is not a valid phone number'],
		['not a number', 'US', 'is not a phone number'],
	])('fails %s before any request, with the reason', async (phone, defaultCountry, reason) => {
		const { error } = await runNode({
			parameters: triggerParameters({ options: { defaultCountry } }),
			items: [{ phone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(reason);
		expect(error?.message).toContain(phone);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('fails a malformed identifier before any request', async () => {
		const byPath = await runNode({
			parameters: byTriggerPath('../workflow/312'),
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		expect(byPath.error?.message).toContain('may only contain letters, digits');
		const byUuid = await runNode({
			parameters: triggerParameters({
				agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
			}),
			items: [{ ...customers[0], agent: `${SEED.agents.renewal.workflowUuid}/../x` }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(byUuid.error?.message).toContain('must look like');
		const typed = await runNode({
			parameters: triggerParameters({ agent: { __rl: true, mode: 'id', value: 'not-a-uuid' } }),
			items: [customers[0]],
			credentials: credentialsFor(sandbox.current),
		});
		expect(typed.error?.message).toContain('Not a valid workflow UUID');
		expect(sandbox.current.requests).toHaveLength(0);
	});

	describe('parameters of each item', () => {
		/** The parameter names n8n resolved while the node ran, with how often each was read. */
		async function readsWhileRunning(run: () => Promise<unknown>): Promise<Map<string, number>> {
			const resolve = jest.spyOn(
				ExecuteContext.prototype as unknown as { _getNodeParameter: (name: string) => unknown },
				'_getNodeParameter',
			);
			try {
				await run();
				const reads = new Map<string, number>();
				for (const [name] of resolve.mock.calls) reads.set(name, (reads.get(name) ?? 0) + 1);
				return reads;
			} finally {
				resolve.mockRestore();
			}
		}

		it('resolves a parameter saved as an expression for every item', async () => {
			const items = [
				{
					phone: '(415) 555-2671',
					country: 'US',
					draft: true,
					agent: SEED.agents.renewal.workflowUuid,
					name: 'Jane',
				},
				{
					phone: '020 7946 0018',
					country: 'GB',
					draft: false,
					agent: SEED.agents.appointment.workflowUuid,
					name: 'Ola',
				},
				{
					phone: '0412 345 678',
					country: 'AU',
					draft: false,
					agent: SEED.agents.renewal.workflowUuid,
					name: 'Kim',
				},
			];
			const { json, error } = await runNode({
				parameters: triggerParameters({
					agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
					useDraft: '={{ $json.draft }}',
					options: { defaultCountry: '={{ $json.country }}', maxConcurrentCalls: 1 },
				}),
				items,
				credentials: credentialsFor(sandbox.current),
			});
			expect(error).toBeUndefined();

			const posts = triggerRequests(sandbox.current);
			expect(posts.map((request) => request.path)).toEqual([
				`/api/v1/public/agent/test/workflow/${SEED.agents.renewal.workflowUuid}`,
				`/api/v1/public/agent/workflow/${SEED.agents.appointment.workflowUuid}`,
				`/api/v1/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`,
			]);
			expect(posts.map((request) => JSON.parse(request.rawBody))).toEqual([
				{ phone_number: '+14155552671', initial_context: { customer_name: 'Jane' } },
				{ phone_number: '+442079460018', initial_context: { customer_name: 'Ola' } },
				{ phone_number: '+61412345678', initial_context: { customer_name: 'Kim' } },
			]);
			expect(json.map((row) => [row.draft, row.workflow_id])).toEqual([
				[true, SEED.agents.renewal.id],
				[false, SEED.agents.appointment.id],
				[false, SEED.agents.renewal.id],
			]);
		});

		it('reads a parameter saved without an expression once for all items', async () => {
			const items = ['(415) 555-2671', '(415) 555-2672', '(415) 555-2673'].map((phone) => ({
				phone,
			}));
			let result: Awaited<ReturnType<typeof runNode>> | undefined;
			const reads = await readsWhileRunning(async () => {
				result = await runNode({
					parameters: triggerParameters({
						initialContext: { values: [{ key: 'source', value: 'spring campaign' }] },
						options: { defaultCountry: 'US', maxConcurrentCalls: 2 },
					}),
					items,
					credentials: credentialsFor(sandbox.current),
				});
			});
			expect(result?.error).toBeUndefined();
			const bodies = triggerRequests(sandbox.current).map(
				(request) => JSON.parse(request.rawBody) as { phone_number: string },
			);
			// Two calls at a time: the sandbox may take them in either order.
			bodies.sort((a, b) => a.phone_number.localeCompare(b.phone_number));
			expect(bodies).toEqual(
				['+14155552671', '+14155552672', '+14155552673'].map((phone_number) => ({
					phone_number,
					initial_context: { source: 'spring campaign' },
				})),
			);
			expect(result?.json.map((row) => row.phone_number)).toEqual([
				'+14155552671',
				'+14155552672',
				'+14155552673',
			]);
			// The phone number is an expression, resolved for each item; the rest is read once.
			expect(reads.get('phoneNumber')).toBe(3);
			for (const name of ['agent', 'useDraft', 'contextInput', 'initialContext.values'])
				expect([name, reads.get(name)]).toEqual([name, 1]);
		});
	});
});
