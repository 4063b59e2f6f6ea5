import { SEED, startSandbox, type Sandbox } from '../../sandbox';
import { client } from './helpers';

describe('sandbox read routes (§2.3 - §2.7) and FastAPI routing', () => {
	let sandbox: Sandbox;
	let api: ReturnType<typeof client>;

	beforeAll(async () => {
		sandbox = await startSandbox({ timeScale: 0.005 });
		api = client(sandbox);
	});
	afterAll(() => sandbox.close());
	beforeEach(() => sandbox.reset());

	describe('authentication on /workflow/*', () => {
		it.each([
			'/workflow/count',
			'/workflow/fetch',
			'/workflow/312/runs/48190',
			'/organizations/telephony-configs',
		])(
			'%s: missing key is 401 Unauthorized (hosted), bad key 401 Invalid or expired API key',
			async (path) => {
				expect((await api.get(path, null)).body).toEqual({ detail: 'Unauthorized' });
				expect((await api.get(path, null)).status).toBe(401);
				const bad = await api.get(path, 'nope');
				expect(bad.status).toBe(401);
				expect(bad.body).toEqual({ detail: 'Invalid or expired API key' });
				expect((await api.get(path, SEED.archivedApiKey)).status).toBe(401);
			},
		);

		it('a key whose creator was deleted: 401 API key owner not found on /workflow/*, the trigger routes still dial', async () => {
			const read = await api.get('/workflow/fetch?status=active', SEED.ownerlessApiKey);
			expect(read.status).toBe(401);
			expect(read.body).toEqual({ detail: 'API key owner not found' });
			const placed = await api.post(
				`/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`,
				{ phone_number: '+14155556601' },
				SEED.ownerlessApiKey,
			);
			expect(placed.status).toBe(200);
			expect(sandbox.dials('+14155556601')).toBe(1);
		});

		it('authStyle oss says Authorization header required', async () => {
			sandbox.configure({ authStyle: 'oss' });
			try {
				expect((await api.get('/workflow/count', null)).body).toEqual({
					detail: 'Authorization header required',
				});
			} finally {
				sandbox.configure({ authStyle: 'hosted' });
			}
		});

		it('authenticates before validating path ids', async () => {
			expect((await api.get('/workflow/abc/runs/xyz', null)).status).toBe(401);
			expect((await api.get('/workflow/abc/runs/xyz', 'nope')).status).toBe(401);
		});
	});

	describe('GET /workflow/{workflow_id}/runs/{run_id}', () => {
		it('422 int_parsing for both path ids', async () => {
			const answer = await api.get('/workflow/abc/runs/xyz');
			expect(answer.status).toBe(422);
			expect(answer.body.detail).toEqual([
				{
					type: 'int_parsing',
					loc: ['path', 'workflow_id'],
					msg: 'Input should be a valid integer, unable to parse string as an integer',
					input: 'abc',
				},
				{
					type: 'int_parsing',
					loc: ['path', 'run_id'],
					msg: 'Input should be a valid integer, unable to parse string as an integer',
					input: 'xyz',
				},
			]);
		});

		it('finds the run by run id and org only; workflow_id is ignored', async () => {
			const answer = await api.get(`/workflow/999999/runs/${SEED.runs.answered}`);
			expect(answer.status).toBe(200);
			expect(answer.body.workflow_id).toBe(312);
		});

		it('404 for unknown runs and runs of another org', async () => {
			for (const runId of [1, SEED.runs.otherOrg]) {
				const answer = await api.get(`/workflow/312/runs/${runId}`);
				expect(answer.status).toBe(404);
				expect(answer.body).toEqual({ detail: 'Workflow run not found' });
			}
			expect(
				(await api.get(`/workflow/401/runs/${SEED.runs.otherOrg}`, SEED.otherOrgApiKey)).status,
			).toBe(200);
		});

		it('serves the full schema and lazily creates the public access token', async () => {
			expect(
				sandbox.runs().find((run) => run.id === SEED.runs.answered)?.public_access_token,
			).toBeNull();
			const run = (await api.get(`/workflow/312/runs/${SEED.runs.answered}`)).body;
			expect(Object.keys(run)).toEqual([
				'id',
				'workflow_id',
				'name',
				'mode',
				'created_at',
				'is_completed',
				'transcript_url',
				'recording_url',
				'user_recording_url',
				'bot_recording_url',
				'transcript_public_url',
				'recording_public_url',
				'user_recording_public_url',
				'bot_recording_public_url',
				'public_access_token',
				'cost_info',
				'usage_info',
				'definition_id',
				'initial_context',
				'gathered_context',
				'call_type',
				'logs',
				'annotations',
			]);
			expect(run.public_access_token).toMatch(/^[0-9a-f-]{36}$/);
			expect(run.transcript_public_url).toBe(
				`${sandbox.baseUrl}/public/download/workflow/${run.public_access_token}/transcript`,
			);
			expect(run.transcript_url).toBe(`transcripts/${SEED.runs.answered}.txt`);
			expect(run.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
			expect(run.call_type).toBe('outbound');
			expect(run).not.toHaveProperty('status');
			const again = (await api.get(`/workflow/312/runs/${SEED.runs.answered}`)).body;
			expect(again.public_access_token).toBe(run.public_access_token);
		});

		it('never creates a token for a run without artifacts', async () => {
			const run = (await api.get(`/workflow/312/runs/${SEED.runs.busy}`)).body;
			expect(run.public_access_token).toBeNull();
			expect(run.transcript_public_url).toBeNull();
			expect(run.gathered_context).toEqual({
				provider: 'twilio',
				triggered_by: 'api',
				call_tags: ['not_connected', 'telephony_busy'],
				call_disposition: 'busy',
				mapped_call_disposition: 'busy',
				call_id: expect.stringMatching(/^CA/),
			});
			// format_public_cost_info of usage {call_duration_seconds: 0}.
			expect(run.cost_info).toEqual({ dograh_token_usage: 0, call_duration_seconds: 0 });
		});

		it('legacy shape omits the later fields', async () => {
			sandbox.configure({ legacyRunShape: true });
			try {
				const run = (await api.get(`/workflow/312/runs/${SEED.runs.answered}`)).body;
				expect(Object.keys(run)).toEqual([
					'id',
					'workflow_id',
					'name',
					'mode',
					'created_at',
					'is_completed',
					'transcript_url',
					'recording_url',
					'cost_info',
					'definition_id',
					'initial_context',
					'gathered_context',
					'call_type',
					'logs',
					'annotations',
				]);
				expect((await api.get('/health', null)).body.version).toBe('1.31.0');
			} finally {
				sandbox.configure({ legacyRunShape: false });
			}
		});
	});

	describe('GET /workflow/{workflow_id}/runs', () => {
		it('pages newest first; list items are thin: no logs, annotations, usage or public links', async () => {
			const detail = (await api.get(`/workflow/312/runs/${SEED.runs.answered}`)).body; // creates a token
			expect(detail.annotations.qa_qa1.node_results.start.comment).toContain('\n');
			expect(detail.usage_info.call_duration_seconds).toBe(94);
			expect(detail.logs.realtime_feedback_events.length).toBeGreaterThan(0);
			const answer = await api.get('/workflow/312/runs?page=1&limit=3');
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({
				total_count: 12,
				page: 1,
				limit: 3,
				total_pages: 4,
				applied_filters: null,
			});
			expect(answer.body.runs.map((run: { id: number }) => run.id)).toEqual([
				SEED.runs.answered,
				SEED.runs.editorPhoneTest,
				SEED.runs.busy,
			]);
			const item = answer.body.runs[0];
			for (const field of [
				'logs',
				'annotations',
				'usage_info',
				'public_access_token',
				'transcript_public_url',
				'recording_public_url',
				'user_recording_public_url',
				'bot_recording_public_url',
			]) {
				expect(item).toHaveProperty(field, null);
			}
			expect(item.cost_info).toEqual(detail.cost_info);
			expect(item.gathered_context).toEqual(detail.gathered_context);
			const last = await api.get('/workflow/312/runs?page=12&limit=1&sort_order=asc');
			expect(last.body.runs.map((run: { id: number }) => run.id)).toEqual([SEED.runs.answered]);
		});

		it('sorts by duration', async () => {
			const answer = await api.get('/workflow/312/runs?sort_by=duration&limit=2');
			expect(answer.body.runs.map((run: { id: number }) => run.id)).toEqual([
				SEED.runs.answeredOlder,
				SEED.runs.answered,
			]);
		});

		it.each([
			[
				'page=0',
				{
					type: 'greater_than_equal',
					loc: ['query', 'page'],
					msg: 'Input should be greater than or equal to 1',
					input: '0',
					ctx: { ge: 1 },
				},
			],
			[
				'limit=101',
				{
					type: 'less_than_equal',
					loc: ['query', 'limit'],
					msg: 'Input should be less than or equal to 100',
					input: '101',
					ctx: { le: 100 },
				},
			],
			[
				'limit=x',
				{
					type: 'int_parsing',
					loc: ['query', 'limit'],
					msg: 'Input should be a valid integer, unable to parse string as an integer',
					input: 'x',
				},
			],
		])('422 for %s', async (query, item) => {
			const answer = await api.get(`/workflow/312/runs?${query}`);
			expect(answer.status).toBe(422);
			expect(answer.body).toEqual({ detail: [item] });
		});

		it('filters by status, disposition, duration and date range', async () => {
			const filter = async (filters: unknown[]) =>
				(await api.get(`/workflow/312/runs?filters=${encodeURIComponent(JSON.stringify(filters))}`))
					.body;
			const inProgress = await filter([
				{ attribute: 'status', type: 'radio', value: { status: 'in_progress' } },
			]);
			expect(inProgress.runs.map((run: { id: number }) => run.id)).toEqual([
				SEED.runs.stuckInProgress,
			]);
			expect(inProgress.applied_filters).toEqual([
				{ attribute: 'status', type: 'radio', value: { status: 'in_progress' } },
			]);
			const busy = await filter([
				{
					attribute: 'dispositionCode',
					type: 'multiSelect',
					value: { codes: ['busy', 'no-answer'] },
				},
			]);
			expect(busy.total_count).toBe(2);
			const long = await filter([
				{ attribute: 'duration', type: 'numberRange', value: { min: 60 } },
			]);
			expect(long.runs.map((run: { id: number }) => run.id)).toEqual([
				SEED.runs.answered,
				SEED.runs.answeredOlder,
			]);
			const recent = await filter([
				{
					attribute: 'dateRange',
					type: 'dateRange',
					value: { from: new Date(Date.now() - 12 * 3_600_000).toISOString() },
				},
			]);
			// Three API calls plus the editor test, web test, chat and inbound call of the last 12 hours.
			expect(recent.total_count).toBe(7);
		});

		it('400 Invalid filter format and 403 Invalid attribute', async () => {
			const bad = await api.get('/workflow/312/runs?filters=not-json');
			expect(bad.status).toBe(400);
			expect(bad.body).toEqual({ detail: 'Invalid filter format' });
			const forbidden = await api.get(
				`/workflow/312/runs?filters=${encodeURIComponent('[{"attribute":"runId","type":"number","value":{"value":1}}]')}`,
			);
			expect(forbidden.status).toBe(403);
			expect(forbidden.body).toEqual({ detail: "Invalid attribute 'runId'" });
		});

		it('an unknown or foreign workflow is 200 with an empty list', async () => {
			for (const id of [9999, SEED.otherOrgAgent.id]) {
				const answer = await api.get(`/workflow/${id}/runs`);
				expect(answer.status).toBe(200);
				expect(answer.body).toEqual({
					runs: [],
					total_count: 0,
					page: 1,
					limit: 50,
					total_pages: 0,
					applied_filters: null,
				});
			}
		});
	});

	describe('agents and configurations', () => {
		it('GET /workflow/fetch lists active and archived agents of the org only', async () => {
			const answer = await api.get('/workflow/fetch');
			expect(answer.status).toBe(200);
			expect(answer.body.map((agent: { id: number }) => agent.id).sort()).toEqual([
				312, 313, 314, 315, 316,
			]);
			const renewal = answer.body.find((agent: { id: number }) => agent.id === 312);
			expect(renewal).toEqual({
				id: 312,
				name: 'Renewal reminder',
				status: 'active',
				created_at: '2026-05-02T09:12:44Z',
				total_runs: 12,
				folder_id: null,
				workflow_uuid: SEED.agents.renewal.workflowUuid,
			});
		});

		it('status filters, and a string-detail 422 for a bad one', async () => {
			expect((await api.get('/workflow/fetch?status=active')).body).toHaveLength(4);
			expect(
				(await api.get('/workflow/fetch?status=archived')).body.map(
					(agent: { id: number }) => agent.id,
				),
			).toEqual([315]);
			expect((await api.get('/workflow/fetch?status=active,archived')).body).toHaveLength(5);
			const bad = await api.get('/workflow/fetch?status=deleted');
			expect(bad.status).toBe(422);
			expect(bad.body).toEqual({
				detail:
					"Invalid workflow status filter: ['deleted']. Allowed values: ['active', 'archived'].",
			});
			expect((await api.get('/workflow/summary?status=x,y')).body.detail).toBe(
				"Invalid workflow status filter: ['x', 'y']. Allowed values: ['active', 'archived'].",
			);
		});

		it('GET /workflow/summary has no workflow_uuid; GET /workflow/count counts', async () => {
			const summary = (await api.get('/workflow/summary?status=active')).body;
			expect(summary).toContainEqual({ id: 312, name: 'Renewal reminder' });
			expect((await api.get('/workflow/count')).body).toEqual({ total: 5, active: 4, archived: 1 });
			expect((await api.get('/workflow/count', SEED.otherOrgApiKey)).body).toEqual({
				total: 1,
				active: 1,
				archived: 0,
			});
		});

		it('GET /workflow/fetch/{id} shows the draft trigger nodes', async () => {
			const agent = (await api.get('/workflow/fetch/313')).body;
			const triggers = agent.workflow_definition.nodes.filter(
				(node: { type: string }) => node.type === 'trigger',
			);
			expect(
				triggers.map((node: { data: { trigger_path: string } }) => node.data.trigger_path),
			).toEqual(['appointment-confirm', 'appointment-draft-only']);
			expect(triggers[0].data).toEqual({
				name: 'API Trigger',
				enabled: true,
				trigger_path: 'appointment-confirm',
			});
			expect(agent.workflow_uuid).toBe(SEED.agents.appointment.workflowUuid);
			const missing = await api.get(`/workflow/fetch/${SEED.otherOrgAgent.id}`);
			expect(missing.status).toBe(404);
			expect(missing.body).toEqual({ detail: 'Workflow with id 401 not found' });
			expect((await api.get('/workflow/fetch/abc')).body.detail[0]).toMatchObject({
				type: 'int_parsing',
				loc: ['path', 'workflow_id'],
			});
		});

		it('GET /organizations/telephony-configs', async () => {
			const configs = (await api.get('/organizations/telephony-configs')).body.configurations;
			expect(configs.map((config: { id: number }) => config.id)).toEqual([7, 8, 9]);
			expect(configs[0]).toMatchObject({
				name: 'Twilio main',
				provider: 'twilio',
				is_default_outbound: true,
				phone_number_count: 2,
				is_ready_for_outbound: true,
			});
			expect(configs[1]).toMatchObject({
				is_ready_for_outbound: false,
				outbound_blocked_reason: 'No phone numbers are configured.',
			});
			expect(configs[2]).toMatchObject({ inactive: true });
			sandbox.configure({ telephony: 'none' });
			expect((await api.get('/organizations/telephony-configs')).body).toEqual({
				configurations: [],
			});
			sandbox.configure({ telephony: 'ready' });
		});

		it('GET /health needs no key', async () => {
			const answer = await api.get('/health', null);
			expect(answer.status).toBe(200);
			expect(answer.body).toMatchObject({
				status: 'ok',
				version: '1.45.0',
				backend_api_endpoint: sandbox.origin,
			});
		});
	});

	describe('FastAPI routing defaults', () => {
		it('404 Not Found for unknown paths', async () => {
			for (const path of ['/nope', '/workflow/312/runs/1/extra', '/public/agent']) {
				const answer = await api.get(path);
				expect(answer.status).toBe(404);
				expect(answer.body).toEqual({ detail: 'Not Found' });
				expect(answer.headers.get('content-type')).toBe('application/json');
			}
			const outside = await fetch(`${sandbox.origin}/`);
			expect(outside.status).toBe(404);
			expect(await outside.json()).toEqual({ detail: 'Not Found' });
		});

		it('405 Method Not Allowed for a known path with the wrong method', async () => {
			const trigger = await api.get(`/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`);
			expect(trigger.status).toBe(405);
			expect(trigger.body).toEqual({ detail: 'Method Not Allowed' });
			expect(trigger.headers.get('allow')).toBe('POST');
			const run = await api.raw('/workflow/312/runs/48190', {
				method: 'DELETE',
				headers: { 'x-api-key': sandbox.apiKey },
			});
			expect(run.status).toBe(405);
		});

		it('307 from a trailing slash to the path without it, keeping the query', async () => {
			const answer = await api.get('/workflow/fetch/?status=active');
			expect(answer.status).toBe(307);
			expect(answer.headers.get('location')).toBe(
				`${sandbox.baseUrl}/workflow/fetch?status=active`,
			);
			expect(answer.text).toBe('');
			const post = await api.raw(`/public/agent/workflow/${SEED.agents.renewal.workflowUuid}/`, {
				method: 'POST',
				headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ phone_number: '+14155552671' }),
			});
			expect(post.status).toBe(307);
			expect(sandbox.dials('+14155552671')).toBe(0);
			expect((await api.get('/unknown/')).status).toBe(404);
		});

		it('caps large bodies with 413 and survives garbage', async () => {
			const big = await api.post(
				`/public/agent/workflow/${SEED.agents.renewal.workflowUuid}`,
				'x'.repeat(1_100_000),
			);
			expect(big.status).toBe(413);
			const weird = await api.get('/workflow/%E0%A4%A/runs/1');
			expect(weird.status).toBe(422);
		});
	});
});
