import type { IExecuteFunctions } from 'n8n-workflow';

import { listActiveAgents, listTriggerPaths, type Agent } from '../../shared/transport/api';

/**
 * Looks up the numeric agent id that outputs carry, once per execution. A lookup that fails only
 * leaves `workflow_id` null; it never fails the call it describes.
 */
export class AgentDirectory {
	private agents?: Promise<{ ok: true; agents: Agent[] } | { ok: false; error: Error }>;
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

	/**
	 * The agent list's failure, when it could not be read: a rule that needs the agent's id must
	 * say so rather than report the agent as not found.
	 */
	async listFailure(): Promise<Error | undefined> {
		const listed = await this.listOnce();
		return listed.ok ? undefined : listed.error;
	}

	private listOnce() {
		this.agents ??= listActiveAgents.call(this.context).then(
			(agents) => ({ ok: true as const, agents }),
			(error: Error) => {
				this.context.logger.warn(
					`Sysevo: agent list unavailable, workflow_id left empty (${error.message})`,
				);
				return { ok: false as const, error };
			},
		);
		return this.agents;
	}

	private async activeAgents(): Promise<Agent[]> {
		const listed = await this.listOnce();
		return listed.ok ? listed.agents : [];
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
