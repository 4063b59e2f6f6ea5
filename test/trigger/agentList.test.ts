import type { INode, INodeProperties } from 'n8n-workflow';

import { SysevoTrigger } from '../../nodes/SysevoTrigger/SysevoTrigger.node';

import { getAgents } from '../../nodes/SysevoTrigger/methods/loadOptions';
import { loadOptionsContext } from '../helpers/engine';
import { credentialsFor, SEED, useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

describe("the Sysevo Trigger's agent list", () => {
	it('lists active agents valued by numeric id', async () => {
		const options = await getAgents.call(loadOptionsContext(credentialsFor(sandbox.current)));
		expect(options).toContainEqual({
			name: SEED.agents.renewal.name,
			value: String(SEED.agents.renewal.id),
			description: `Agent ID ${SEED.agents.renewal.id}`,
		});
		expect(options.map((option) => option.name)).not.toContain(SEED.agents.archived.name);
	});

	it('says to pick a credential, and asks nothing, when the node has none yet', async () => {
		const context = loadOptionsContext(credentialsFor(sandbox.current));
		// The editor can ask for the list before it has filled in the node's credential.
		delete (context as unknown as { node: INode }).node.credentials;
		await expect(getAgents.call(context)).rejects.toThrow('Select a Sysevo credential first');
		expect(sandbox.current.requests).toHaveLength(0);
	});

	describe('version 2 (the default for new nodes)', () => {
		const trigger = new SysevoTrigger();
		const property = (name: string) =>
			trigger.description.properties.find((candidate) => candidate.name === name);

		it('picks agents with resource locators whose list the node lists by numeric id', async () => {
			expect(trigger.description.version).toEqual([1, 2]);
			expect(trigger.description.defaultVersion).toBe(2);
			expect(property('agentIds')?.displayOptions?.show?.['@version']).toEqual([1]);
			const agents = property('agents');
			expect(agents?.displayOptions?.show?.['@version']).toEqual([{ _cnd: { gte: 2 } }]);
			const [locator] = (agents?.options?.[0] as { values: INodeProperties[] }).values;
			const listMode = locator.modes?.find((mode) => mode.type === 'list');
			const method = listMode?.typeOptions?.searchListMethod ?? '';
			expect(Object.keys(trigger.methods.listSearch)).toEqual([method]);

			const { results } = await trigger.methods.listSearch[method as 'agentIdSearch'].call(
				loadOptionsContext(credentialsFor(sandbox.current)),
			);
			expect(results).toContainEqual({
				name: SEED.agents.renewal.name,
				value: String(SEED.agents.renewal.id),
			});
			expect(results.map((result) => result.name)).not.toContain(SEED.agents.archived.name);
		});
	});
});
