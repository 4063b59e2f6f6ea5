import type { INodeOutputConfiguration } from 'n8n-workflow';

import type { RowStatus } from '../../shared/helpers/runSummary';

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
 * Failed, Still Running, Not Called. Saved connections refer to outputs by index, so the order and
 * names are kept from now on; a new outcome is only appended. n8n appends its Error output after
 * these when On Error is "Continue (using error output)".
 */
export function configuredOutputs(parameters: OutputParameters): INodeOutputConfiguration[] {
	const finishedRuns =
		parameters.operation === 'getRun' ||
		parameters.operation === 'getMany' ||
		parameters.waitForCompletion === true;
	if (!(parameters.options?.routeByOutcome === true && finishedRuns)) return [{ type: 'main' }];
	return ['Completed', 'Voicemail', 'Not Connected', 'Failed', 'Still Running', 'Not Called'].map(
		(displayName) => ({ type: 'main', displayName }),
	);
}

/** Which output a row of this status goes to, by the output's name. */
const OUTPUT_OF_STATUS: Record<RowStatus, string> = {
	completed: 'Completed',
	voicemail: 'Voicemail',
	not_connected: 'Not Connected',
	failed: 'Failed',
	in_progress: 'Still Running',
	not_called: 'Not Called',
};

/**
 * The output index for a row: by its status when routing, else the single output. A status this
 * node does not know is a defect, not a failed call: it throws rather than guess an output.
 */
export function outputIndexFor(outputs: INodeOutputConfiguration[], status: unknown): number {
	if (outputs.length === 1) return 0;
	const name = Object.prototype.hasOwnProperty.call(OUTPUT_OF_STATUS, status as string)
		? OUTPUT_OF_STATUS[status as RowStatus]
		: undefined;
	const index = outputs.findIndex((output) => output.displayName === name);
	if (index < 0)
		throw new Error(`No output for a row whose run_status is ${JSON.stringify(status)}`);
	return index;
}
