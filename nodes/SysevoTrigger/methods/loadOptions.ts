import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { agentIdSearch } from '../../shared/listSearch';

/** Active agents, valued by numeric id (what the list-runs route takes). */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	// The editor may ask for the list before it has filled in the credential; say what to do
	// instead of n8n's bare "Node does not have any credentials set".
	if (!this.getNode().credentials?.sysevoApi) {
		throw new NodeOperationError(this.getNode(), 'Select a Sysevo credential first', {
			description:
				'Pick the Sysevo API credential above this list (or create one with your Sysevo API key), then click the refresh icon in this field or reopen the node',
		});
	}
	const { results } = await agentIdSearch.call(this);
	return results.map(({ name, value }) => ({ name, value, description: `Agent ID ${value}` }));
}
