import { agentIdSearch, agentSearch } from '../../nodes/Sysevo/methods/listSearch';
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
