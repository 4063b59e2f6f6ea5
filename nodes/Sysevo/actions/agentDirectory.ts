import type { IExecuteFunctions } from 'n8n-workflow';

import { checkPositiveInteger } from '../helpers/identifiers';
import { sysevoApiRequest } from '../transport';

export interface Agent {
	id: number;
	name: string;
	status?: string;
	workflow_uuid?: string | null;
}

interface AgentDefinition {
	workflow_definition?: { nodes?: Array<{ type?: string; data?: { trigger_path?: string } }> };
}

/**
 * Looks up the numeric agent id that Get Run needs, once per execution. A lookup that fails only
 * leaves `workflow_id` null; it never fails the call it describes.
 */
export class AgentDirectory {
	private agents?: Promise<Agent[]>;
	private triggerPaths?: Promise<Map<string, number>>;

	constructor(private readonly context: IExecuteFunctions) {}

	async idForWorkflowUuid(uuid: string): Promise<number | null> {
		const agents = await this.activeAgents();
		return (
			agents.find((agent) => agent.workflow_uuid?.toLowerCase() === uuid.toLowerCase())?.id ?? null
		);
	}

	async idForTriggerPath(path: string): Promise<number | null> {
		this.triggerPaths ??= this.loadTriggerPaths();
		return (await this.triggerPaths).get(path) ?? null;
	}

	private activeAgents(): Promise<Agent[]> {
		this.agents ??= sysevoApiRequest
			.call(this.context, {
				method: 'GET',
				path: '/workflow/fetch',
				qs: { status: 'active' },
				purpose: 'listAgents',
			})
			.then((body) =>
				Array.isArray(body)
					? (body as Agent[]).filter((agent) => checkPositiveInteger(agent?.id, 'agent ID').valid)
					: [],
			)
			.catch((error: Error) => {
				this.context.logger.warn(
					`Sysevo: agent list unavailable, workflow_id left empty (${error.message})`,
				);
				return [];
			});
		return this.agents;
	}

	// Trigger paths live in each agent's definition (§2.5 of the API notes): one read per agent.
	private async loadTriggerPaths(): Promise<Map<string, number>> {
		const paths = new Map<string, number>();
		for (const agent of await this.activeAgents()) {
			try {
				const definition = (await sysevoApiRequest.call(this.context, {
					method: 'GET',
					path: `/workflow/fetch/${agent.id}`,
					purpose: 'listAgents',
				})) as AgentDefinition;
				for (const node of definition.workflow_definition?.nodes ?? []) {
					if (node.type === 'trigger' && node.data?.trigger_path)
						paths.set(node.data.trigger_path, agent.id);
				}
			} catch (error) {
				this.context.logger.warn(
					`Sysevo: definition of agent ${agent.id} unavailable (${(error as Error).message})`,
				);
			}
		}
		return paths;
	}
}
