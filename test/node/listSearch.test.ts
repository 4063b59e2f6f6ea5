import { agentIdSearch, agentSearch } from '../../nodes/shared/listSearch';
import { getTelephonyConfigurations } from '../../nodes/Sysevo/methods/loadOptions';
import { loadOptionsContext } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

describe('agent list search', () => {
	it('lists active agents by name, valued by workflow UUID, without archived ones', async () => {
		const { results } = await agentSearch.call(loadOptionsContext(credentialsFor(sandbox.current)));
		expect(results).toContainEqual({
			name: SEED.agents.renewal.name,
			value: SEED.agents.renewal.workflowUuid,
		});
		expect(results).toContainEqual({
			name: SEED.agents.leadQualifier.name,
			value: SEED.agents.leadQualifier.workflowUuid,
		});
		expect(results.map((result) => result.name)).not.toContain(SEED.agents.archived.name);
		expect(results.map((result) => result.name)).not.toContain(SEED.otherOrgAgent.name);
		const names = results.map((result) => result.name);
		expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
		const [request] = sandbox.current.requests;
		expect(request).toMatchObject({ path: '/api/v1/workflow/fetch', query: { status: 'active' } });
	});

	it('filters by name, case-insensitively', async () => {
		const { results } = await agentSearch.call(
			loadOptionsContext(credentialsFor(sandbox.current)),
			'RENEWAL',
		);
		expect(results).toEqual([
			{ name: SEED.agents.renewal.name, value: SEED.agents.renewal.workflowUuid },
		]);
	});

	it('values agents by numeric id for Get Run', async () => {
		const { results } = await agentIdSearch.call(
			loadOptionsContext(credentialsFor(sandbox.current)),
			'appointment',
		);
		expect(results).toEqual([
			{ name: SEED.agents.appointment.name, value: String(SEED.agents.appointment.id) },
		]);
	});

	it('reports a rejected key instead of an empty list', async () => {
		await expect(
			agentSearch.call(loadOptionsContext(credentialsFor(sandbox.current, 'sk-wrong'))),
		).rejects.toThrow('Sysevo rejected the API key: Invalid or expired API key');
	});
});

describe('telephony configuration list', () => {
	it("lists the organisation's active configurations after its default, valued by ID", async () => {
		const options = await getTelephonyConfigurations.call(
			loadOptionsContext(credentialsFor(sandbox.current)),
		);
		expect(options[0]).toMatchObject({ name: "Organisation's Default", value: 0 });
		expect(options.slice(1).map((option) => option.value)).toEqual([
			SEED.telephonyConfigs.twilioMain.id,
			SEED.telephonyConfigs.vonageBackup.id,
		]);
		expect(options[1].name).toBe('Twilio main (twilio), default');
		const [request] = sandbox.current.requests;
		expect(request).toMatchObject({ path: '/api/v1/organizations/telephony-configs' });
		expect(request.headers['x-api-key']).toBe(SEED.apiKey);
	});
});
