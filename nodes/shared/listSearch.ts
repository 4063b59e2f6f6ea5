import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { listActiveAgents, type Agent } from './transport/api';

async function searchAgents(
	context: ILoadOptionsFunctions,
	filter: string | undefined,
	valueOf: (agent: Agent) => string | undefined,
): Promise<INodeListSearchResult> {
	const agents = await listActiveAgents.call(context);
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = [];
	for (const agent of agents) {
		const value = valueOf(agent);
		if (!value) continue;
		const text = `${agent.name} ${agent.id} ${agent.workflow_uuid ?? ''}`.toLowerCase();
		if (needle && !text.includes(needle)) continue;
		results.push({ name: agent.name, value });
	}
	results.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** Active agents, valued by workflow UUID (what the trigger routes take). */
export async function agentSearch(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAgents(this, filter, (agent) => agent.workflow_uuid ?? undefined);
}

/** Active agents, valued by numeric id (what Get Run takes). */
export async function agentIdSearch(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchAgents(this, filter, (agent) => String(agent.id));
}
