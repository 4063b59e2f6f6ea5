import { OUTCOMES, SEED, startSandbox, type Sandbox } from '../../sandbox';
import { client, waitFor } from './helpers';

const { renewal, appointment, leadQualifier, archived, noOwner } = SEED.agents;
const PHONE = '+14155552671';
const byUuid = (uuid: string) => `/public/agent/workflow/${uuid}`;
const byPath = (path: string) => `/public/agent/${path}`;

describe('sandbox trigger routes (§2.1, §2.2)', () => {
	let sandbox: Sandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sandbox = await startSandbox({ timeScale: 0.005 });
		api = client(sandbox);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('success', () => {
		it.each([
			['production trigger path', byPath(renewal.triggerPath), /^WR-API-\d{4}$/],
			['test trigger path', `/public/agent/test/${renewal.triggerPath}`, /^WR-TEST-\d{4}$/],
			['production workflow uuid', byUuid(renewal.workflowUuid), /^WR-API-\d{4}$/],
			[
				'test workflow uuid',
				`/public/agent/test/workflow/${renewal.workflowUuid}`,
				/^WR-TEST-\d{4}$/,
			],
		])('%s answers 200 initiated with a new run id', async (_label, path, namePattern) => {
			const answer = await api.post(path, { phone_number: PHONE });
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toBe('application/json');
			expect(Object.keys(answer.body)).toEqual(['status', 'workflow_run_id', 'workflow_run_name']);
			expect(answer.body.status).toBe('initiated');
			expect(answer.body.workflow_run_id).toBe(SEED.firstNewRunId);
			expect(answer.body.workflow_run_name).toMatch(namePattern);
			expect(sandbox.dials(PHONE)).toBe(1);
			expect(sandbox.triggerRequests(PHONE)).toBe(1);
		});

		it('numbers new runs upward and records them', async () => {
			const first = await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE });
			const second = await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE });
			expect(second.body.workflow_run_id).toBe(first.body.workflow_run_id + 1);
			expect(sandbox.runs().filter((run) => run.id >= SEED.firstNewRunId)).toHaveLength(2);
		});

		it('1.45: caller keys override system keys, reserved keys are dropped, called_number is re-set, no template defaults in production', async () => {
			const answer = await api.post(byPath(renewal.triggerPath), {
				phone_number: PHONE,
				initial_context: {
					customer_name: 'Jane',
					provider: 'evil',
					runtime_configuration: {},
					mps_correlation_id: 'x',
					phone_number: 'spoofed',
					called_number: 'spoofed too',
					telephony_configuration_id: 8,
					direction: 'inbound',
				},
				unknown_field: 'ignored',
			});
			const run = await api.run(answer.body.workflow_run_id);
			expect(run.initial_context).toMatchObject({
				provider: 'twilio',
				direction: 'inbound',
				phone_number: 'spoofed',
				called_number: PHONE,
				caller_number: SEED.callerNumbers.main.number,
				trigger_mode: 'production',
				telephony_configuration_id: 8,
				agent_identifier: renewal.triggerPath,
				agent_identifier_type: 'trigger_path',
				agent_uuid: renewal.triggerPath,
				workflow_uuid: renewal.workflowUuid,
				api_key_id: 21,
				customer_name: 'Jane',
			});
			expect(run.gathered_context).toEqual({
				provider: 'twilio',
				triggered_by: 'api',
				call_id: expect.stringMatching(/^CA/),
				trigger_uuid: renewal.triggerPath,
			});
			expect(run.initial_context).not.toHaveProperty('runtime_configuration');
			expect(run.initial_context).not.toHaveProperty('mps_correlation_id');
			expect(run.initial_context).not.toHaveProperty('greeting_name');
		});

		it('test routes merge template-context defaults under the caller context', async () => {
			const answer = await api.post(`/public/agent/test/workflow/${renewal.workflowUuid}`, {
				phone_number: PHONE,
				initial_context: { company_name: 'Caller Co' },
			});
			const run = await api.run(answer.body.workflow_run_id);
			expect(run.initial_context).toMatchObject({
				greeting_name: 'there',
				company_name: 'Caller Co',
				trigger_mode: 'test',
			});
			expect(run.initial_context).not.toHaveProperty('agent_uuid');
		});

		it('accepts null optionals, numeric strings and integral floats for the config id (pydantic lax mode)', async () => {
			for (const id of [null, '7', 7.0]) {
				const answer = await api.post(byUuid(renewal.workflowUuid), {
					phone_number: PHONE,
					initial_context: null,
					telephony_configuration_id: id,
				});
				expect(answer.status).toBe(200);
			}
		});
	});

	describe('422 request validation', () => {
		it('combines a missing X-API-Key with body errors in one 422, header first', async () => {
			const answer = await api.post(
				byUuid('anything'),
				{ initial_context: 'x', telephony_configuration_id: 'abc' },
				null,
			);
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toEqual([
				{ type: 'missing', loc: ['header', 'X-API-Key'], msg: 'Field required', input: null },
				{
					type: 'missing',
					loc: ['body', 'phone_number'],
					msg: 'Field required',
					input: { initial_context: 'x', telephony_configuration_id: 'abc' },
				},
				{
					type: 'dict_type',
					loc: ['body', 'initial_context'],
					msg: 'Input should be a valid dictionary',
					input: 'x',
				},
				{
					type: 'int_parsing',
					loc: ['body', 'telephony_configuration_id'],
					msg: 'Input should be a valid integer, unable to parse string as an integer',
					input: 'abc',
				},
			]);
			expect(sandbox.runs().some((run) => run.id >= SEED.firstNewRunId)).toBe(false);
		});

		it('validates before authenticating: a bad key with a bad body is a 422', async () => {
			const answer = await api.post(byUuid(renewal.workflowUuid), {}, 'wrong-key');
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toEqual([
				{ type: 'missing', loc: ['body', 'phone_number'], msg: 'Field required', input: {} },
			]);
		});

		it('reports invalid JSON alone (decode errors come before header checks), with the Python position', async () => {
			const answer = await api.post(byUuid(renewal.workflowUuid), '{"phone_number": }', null);
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toEqual([
				{
					type: 'json_invalid',
					loc: ['body', 17],
					msg: 'JSON decode error',
					input: {},
					ctx: { error: 'Expecting value' },
				},
			]);
		});

		it.each([
			['{"a" 1}', 5, "Expecting ':' delimiter"],
			["{'a': 1}", 1, 'Expecting property name enclosed in double quotes'],
			['{"a": 1} x', 9, 'Extra data'],
			['{"a": "x', 6, 'Unterminated string starting at'],
			['', 0, null],
		])('json_invalid for %j', async (body, position, message) => {
			const answer = await api.post(byUuid(renewal.workflowUuid), body);
			expect(answer.status).toBe(422);
			if (message === null) {
				expect(answer.body.detail).toEqual([
					{ type: 'missing', loc: ['body'], msg: 'Field required', input: null },
				]);
			} else {
				expect(answer.body.detail[0]).toMatchObject({
					type: 'json_invalid',
					loc: ['body', position],
					ctx: { error: message },
				});
			}
		});

		it.each([
			[[1, 2], 'model_attributes_type', ['body']],
			['"just a string"', 'model_attributes_type', ['body']],
			[{ phone_number: 14155552671 }, 'string_type', ['body', 'phone_number']],
			[{ phone_number: PHONE, initial_context: [1] }, 'dict_type', ['body', 'initial_context']],
			[
				{ phone_number: PHONE, telephony_configuration_id: 1.5 },
				'int_from_float',
				['body', 'telephony_configuration_id'],
			],
			[
				{ phone_number: PHONE, telephony_configuration_id: {} },
				'int_type',
				['body', 'telephony_configuration_id'],
			],
			[
				{ phone_number: PHONE, from_phone_number_id: 'x' },
				'int_parsing',
				['body', 'from_phone_number_id'],
			],
		])('rejects %j with %s', async (body, type, loc) => {
			const answer = await api.post(byUuid(renewal.workflowUuid), body);
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toHaveLength(1);
			expect(answer.body.detail[0]).toMatchObject({ type, loc });
		});

		it('treats a JSON body without a JSON content type as raw bytes (FastAPI strict_content_type)', async () => {
			const text = JSON.stringify({ phone_number: PHONE });
			const answer = await api.raw(byUuid(renewal.workflowUuid), {
				method: 'POST',
				headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'text/plain' },
				body: text,
			});
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toEqual([
				{
					type: 'model_attributes_type',
					loc: ['body'],
					msg: 'Input should be a valid dictionary or object to extract fields from',
					input: text,
				},
			]);
		});

		it("answers invalid UTF-8 with FastAPI's generic 400", async () => {
			const answer = await api.raw(byUuid(renewal.workflowUuid), {
				method: 'POST',
				headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'application/json' },
				body: Buffer.from([0x7b, 0xff, 0x7d]),
			});
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual({ detail: 'There was an error parsing the body' });
		});
	});

	describe('error table, in HEAD order', () => {
		const cases: Array<[string, string, string | undefined, number, string]> = [
			['unknown key', byPath(renewal.triggerPath), 'nope', 401, 'Invalid API key'],
			['empty key', byPath(renewal.triggerPath), '', 401, 'Invalid API key'],
			['archived key', byPath(renewal.triggerPath), SEED.archivedApiKey, 401, 'Invalid API key'],
			['bad key beats unknown trigger', byPath('no-such-trigger'), 'nope', 401, 'Invalid API key'],
			['unknown trigger', byPath('no-such-trigger'), undefined, 404, 'Agent trigger not found'],
			[
				'archived agent trigger',
				byPath(archived.triggerPath),
				undefined,
				404,
				'Agent trigger not found',
			],
			[
				'other org trigger',
				byPath(SEED.otherOrgAgent.triggerPath),
				undefined,
				403,
				'Access denied',
			],
			[
				'never-published agent, production',
				byPath(leadQualifier.triggerPath),
				undefined,
				404,
				'Workflow has no published definition',
			],
			[
				'draft-only trigger, production',
				byPath(appointment.draftOnlyTriggerPath),
				undefined,
				404,
				'Trigger not found in the selected Agent',
			],
			[
				'no execution owner',
				byPath(noOwner.triggerPath),
				undefined,
				409,
				'Workflow has no execution owner',
			],
			[
				'uuid of another org',
				byUuid(SEED.otherOrgAgent.workflowUuid),
				undefined,
				404,
				'Workflow not found',
			],
			[
				'unknown uuid',
				byUuid('00000000-0000-0000-0000-000000000000'),
				undefined,
				404,
				'Workflow not found',
			],
			[
				'archived agent uuid',
				byUuid(archived.workflowUuid),
				undefined,
				404,
				'Workflow is not active',
			],
			[
				'never-published agent uuid',
				byUuid(leadQualifier.workflowUuid),
				undefined,
				404,
				'Workflow has no published definition',
			],
			[
				'no owner by uuid',
				byUuid(noOwner.workflowUuid),
				undefined,
				409,
				'Workflow has no execution owner',
			],
		];
		it.each(cases)('%s', async (_label, path, key, status, message) => {
			const answer = await api.post(path, { phone_number: PHONE }, key);
			expect(answer.status).toBe(status);
			expect(answer.body).toEqual({ detail: message });
			expect(sandbox.dials(PHONE)).toBe(0);
			expect(sandbox.triggerRequests(PHONE)).toBe(1);
		});

		it('test routes run the draft: draft-only trigger and never-published agent succeed', async () => {
			expect(
				(
					await api.post(`/public/agent/test/${appointment.draftOnlyTriggerPath}`, {
						phone_number: PHONE,
					})
				).status,
			).toBe(200);
			expect(
				(await api.post(`/public/agent/test/${leadQualifier.triggerPath}`, { phone_number: PHONE }))
					.status,
			).toBe(200);
			const run = (
				await api.post(`/public/agent/test/workflow/${leadQualifier.workflowUuid}`, {
					phone_number: PHONE,
				})
			).body;
			expect(run.workflow_run_name).toMatch(/^WR-TEST-/);
			expect(sandbox.runs().find((item) => item.id === run.workflow_run_id)?.definition_id).toBe(
				995,
			);
		});

		it.each([
			[8, 400, "'Vonage backup' is not ready for outbound calls. No phone numbers are configured."],
			[9, 404, 'Telephony configuration not found'],
			[12345, 404, 'Telephony configuration not found'],
		])('telephony_configuration_id %s -> %s', async (id, status, message) => {
			const answer = await api.post(byUuid(renewal.workflowUuid), {
				phone_number: PHONE,
				telephony_configuration_id: id,
			});
			expect(answer.status).toBe(status);
			expect(answer.body).toEqual({ detail: message });
		});

		it('an owner check (409) comes before the telephony checks', async () => {
			const answer = await api.post(byUuid(noOwner.workflowUuid), {
				phone_number: PHONE,
				telephony_configuration_id: 8,
			});
			expect(answer.body).toEqual({ detail: 'Workflow has no execution owner' });
		});

		it('telephony "none" gives 400 not configured', async () => {
			sandbox.configure({ telephony: 'none' });
			try {
				const answer = await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE });
				expect(answer.status).toBe(400);
				expect(answer.body).toEqual({
					detail: 'Telephony provider not configured for this organization',
				});
			} finally {
				sandbox.configure({ telephony: 'ready' });
			}
		});

		it('an unknown from_phone_number_id is 400 from_phone_number_not_found; a known one is recorded', async () => {
			const bad = await api.post(byUuid(renewal.workflowUuid), {
				phone_number: PHONE,
				from_phone_number_id: 999,
			});
			expect(bad.body).toEqual({ detail: 'from_phone_number_not_found' });
			const good = await api.post(byUuid(renewal.workflowUuid), {
				phone_number: PHONE,
				from_phone_number_id: 72,
			});
			const run = await api.run(good.body.workflow_run_id);
			expect(run.initial_context).toMatchObject({
				from_phone_number_id: 72,
				caller_number: '+14155550101',
			});
		});

		it('an id beyond int4 is an unhandled 500 (plain text)', async () => {
			const answer = await api.post(byUuid(renewal.workflowUuid), {
				phone_number: PHONE,
				telephony_configuration_id: 99999999999,
			});
			expect(answer.status).toBe(500);
			expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
			expect(answer.text).toBe('Internal Server Error');
		});

		it('402 when out of credits: the run is created first and marked failed (HEAD)', async () => {
			sandbox.configure({ quotaExhausted: true });
			try {
				const answer = await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE });
				expect(answer.status).toBe(402);
				expect(answer.body.detail).toMatch(/^You have exhausted your Dograh credits/);
				const run = sandbox.runs().find((item) => item.id === SEED.firstNewRunId);
				expect(run?.is_completed).toBe(true);
				expect(run?.gathered_context).toMatchObject({
					error: answer.body.detail,
					call_disposition: 'error',
				});
				expect(sandbox.dials(PHONE)).toBe(0);
			} finally {
				sandbox.configure({ quotaExhausted: false });
			}
		});

		it('0005: provider rejects the dial -> 400, and the run exists completed with the error', async () => {
			const phone = OUTCOMES.providerRejected.examplePhone;
			const answer = await api.post(byUuid(renewal.workflowUuid), { phone_number: phone });
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual({
				detail:
					'Failed to initiate call: 400: {"code":21211,"message":"The \'To\' number is not a valid phone number."}',
			});
			const run = await api.run(SEED.firstNewRunId);
			expect(run.is_completed).toBe(true);
			expect(run.gathered_context).toMatchObject({
				error: answer.body.detail,
				call_disposition: 'error',
				mapped_call_disposition: 'error',
			});
			expect(run.usage_info).toEqual({ call_duration_seconds: 0 });
			expect(sandbox.dials(phone)).toBe(0);
			expect(sandbox.liveCalls()).toBe(0);
		});
	});

	describe('concurrency cap (row 14)', () => {
		it('answers 429 over the cap without creating a run, and frees slots when calls end', async () => {
			sandbox.configure({ concurrencyLimit: 2, timeScale: 0.02 });
			try {
				for (let index = 0; index < 2; index++) {
					expect(
						(await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE })).status,
					).toBe(200);
				}
				expect(sandbox.liveCalls()).toBe(2);
				const runCount = sandbox.runs().length;
				const rejected = await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE });
				expect(rejected.status).toBe(429);
				expect(rejected.body).toEqual({ detail: 'Concurrent call limit reached' });
				expect(sandbox.runs()).toHaveLength(runCount);
				expect(sandbox.dials(PHONE)).toBe(2);

				// 409 is checked before the cap; the cap before quota.
				expect((await api.post(byUuid(noOwner.workflowUuid), { phone_number: PHONE })).status).toBe(
					409,
				);
				sandbox.configure({ quotaExhausted: true });
				expect((await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE })).status).toBe(
					429,
				);

				await waitFor(async () => sandbox.liveCalls() === 0);
				sandbox.configure({ quotaExhausted: false });
				expect((await api.post(byUuid(renewal.workflowUuid), { phone_number: PHONE })).status).toBe(
					200,
				);
			} finally {
				sandbox.configure({ concurrencyLimit: 10, timeScale: 0.005, quotaExhausted: false });
			}
		});
	});
});
