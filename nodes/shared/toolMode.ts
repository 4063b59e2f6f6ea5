import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether the node runs as an AI agent's tool. n8n runs the tool variant under a type name ending
 * in `Tool` on every line; `isToolExecution` exists on 2.x only, and only its supply-data context
 * answers true (docs/ai-agent.md).
 */
export function runsAsTool(context: Pick<IExecuteFunctions, 'getNode'>): boolean {
	if (context.getNode().type.endsWith('Tool')) return true;
	const { isToolExecution } = context as { isToolExecution?: () => boolean };
	return typeof isToolExecution === 'function' && isToolExecution.call(context) === true;
}
