import type { IExecuteFunctions } from 'n8n-workflow';

import { listActiveAgents, listTriggerPaths, type Agent } from '../transport/api';

/**
 * Looks up the numeric agent id that outputs carry, once per execution. A lookup that fails only
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
		this.agents ??= listActiveAgents.call(this.context).catch((error: Error) => {
			this.context.logger.warn(
				`Sysevo: agent list unavailable, workflow_id left empty (${error.message})`,
			);
			return [];
		});
		return this.agents;
	}

	// Trigger paths live in each agent's definition (docs/sysevo-api.md §2.5): one read per agent.
	private async loadTriggerPaths(): Promise<Map<string, number>> {
		const paths = new Map<string, number>();
		for (const agent of await this.activeAgents()) {
			try {
				for (const path of await listTriggerPaths.call(this.context, agent.id))
					paths.set(path, agent.id);
			} catch (error) {
				this.context.logger.warn(
					`Sysevo: definition of agent ${agent.id} unavailable (${(error as Error).message})`,
				);
			}
		}
		return paths;
	}
}
