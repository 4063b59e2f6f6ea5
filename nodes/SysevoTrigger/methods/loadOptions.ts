import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { agentIdSearch } from '../../Sysevo/methods/listSearch';

/** Active agents, valued by numeric id (what the list-runs route takes). */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { results } = await agentIdSearch.call(this);
	return results.map(({ name, value }) => ({ name, value, description: `Agent ID ${value}` }));
}
