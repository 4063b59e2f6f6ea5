import type { INode } from 'n8n-workflow';

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
});
