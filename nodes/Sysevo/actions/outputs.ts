import type { INodeOutputConfiguration } from 'n8n-workflow';

import type { RunStatus } from '../helpers/runSummary';

interface OutputParameters {
	operation?: string;
	waitForCompletion?: boolean;
	options?: { routeByOutcome?: boolean };
}

/**
 * The node's outputs for its parameters. The description's `outputs` expression embeds this
 * function's source, so it must stay self-contained: no imports, no outer names.
 *
 * With Route by Outcome the outputs are, in this order: Completed, Voicemail, Not Connected,
 * Failed, Still Running. Saved connections refer to outputs by index, so the order and names
 * are kept from now on; a new outcome would only be appended.
 */
export function configuredOutputs(parameters: OutputParameters): INodeOutputConfiguration[] {
	const finishedRuns =
		parameters.operation === 'getRun' ||
		parameters.operation === 'getMany' ||
		parameters.waitForCompletion === true;
	if (!(parameters.options?.routeByOutcome === true && finishedRuns)) return [{ type: 'main' }];
	return ['Completed', 'Voicemail', 'Not Connected', 'Failed', 'Still Running'].map(
		(displayName) => ({ type: 'main', displayName }),
	);
}

/** Which output a run of this status goes to, by the output's name. */
const OUTPUT_OF_STATUS: Record<RunStatus, string> = {
	completed: 'Completed',
	voicemail: 'Voicemail',
	not_connected: 'Not Connected',
	failed: 'Failed',
	in_progress: 'Still Running',
};

/** The output index for an item: by its run status when routing, else the single output. */
export function outputIndexFor(outputs: INodeOutputConfiguration[], runStatus: unknown): number {
	if (outputs.length === 1) return 0;
	const name = OUTPUT_OF_STATUS[runStatus as RunStatus] ?? OUTPUT_OF_STATUS.failed;
	return outputs.findIndex((output) => output.displayName === name);
}
