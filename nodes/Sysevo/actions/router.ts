import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPool } from '../../shared/pool';
import { CallSession, type PacingOptions } from '../calling/session';
import { operationOf } from './operations';
import { errorText, type OutputRow } from './finishRows';
import { configuredOutputs, outputIndexFor } from './outputs';

/**
 * A failed item's row. With On Error → "Continue (using error output)" it is `{ error }` alone, the
 * message with what to do next: n8n moves such an item to the Error output and merges its input
 * row into it (n8n-core `WorkflowExecute.handleNodeErrorOutput`). An item carrying `error` would
 * move too, but n8n then reduces its JSON to the bare message, input fields lost
 * (`normalizeNodeErrors`, after the move, on both lines). With any other setting the row keeps
 * what the item was about next to the error, and stays on the node's outputs.
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	i: number,
	toErrorOutput: boolean,
): INodeExecutionData {
	if (toErrorOutput) return { json: { error: errorText(error) }, pairedItem: { item: i } };
	const { description, httpCode } = error as {
		description?: string | null;
		httpCode?: string | null;
	};
	return {
		json: {
			error: error.message,
			...(description ? { description } : {}),
			...(httpCode ? { http_code: httpCode } : {}),
		},
		pairedItem: { item: i },
	};
}

function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	i: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex: i });
}

function addHints(context: IExecuteFunctions, items: INodeExecutionData[]): void {
	if (typeof context.addExecutionHints !== 'function') return;
	const count = (test: (json: IDataObject) => boolean) =>
		items.filter((item) => test(item.json)).length;
	const timedOut = count((json) => json.timed_out === true);
	if (timedOut > 0) {
		context.addExecutionHints({
			message: `${timedOut} call(s) were still running when the maximum wait ended (run_status "in_progress", timed_out true). Raise Options → Max Wait, or fetch them later with Get Run: Trigger Call → Wait → Get Run.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	const unsettled = count((json) => json.outcome_settled === false && json.timed_out !== true);
	if (unsettled > 0) {
		context.addExecutionHints({
			message: `${unsettled} call(s) ended, but Sysevo had not written their outcome within the settle time (outcome_settled false, no disposition yet). Fetch them later with Get Run, or raise Options → Outcome Settle Time.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	const noTranscript = count(
		(json) =>
			(json.transcript_source === 'none' ||
				(json.transcript === null && !('transcript_source' in json))) &&
			(json.run_status === 'completed' || json.run_status === 'voicemail'),
	);
	if (noTranscript > 0) {
		context.addExecutionHints({
			message: `No transcript is available yet for ${noTranscript} connected call(s). Sysevo uploads it shortly after the call ends; fetch it later with Get Run and Include Transcript.`,
			type: 'info',
			location: 'outputPane',
		});
	}
}

/**
 * Runs the chosen operation for every item: the item loop, Continue On Fail, pairing and output
 * routing. How many items run at once, and everything about calling, is the session's.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { operation, lane } = operationOf(this);
	const session = new CallSession(this, this.getNodeParameter('options', 0, {}) as PacingOptions);
	const { continueOnFail } = session;

	const results = await runPool(
		items.length,
		session.lanes(lane, items.length),
		async (i) => await operation.execute.call(this, i, session),
		{
			stopOnError: !continueOnFail,
			onFirstError: () => session.itemFailed(),
		},
	).finally(() => session.close());

	const failures = results.flatMap((result, i) =>
		result && !result.ok ? [{ i, error: result.error }] : [],
	);
	const firstRealFailure = failures.find(({ error }) => !session.isNotCalled(error)) ?? failures[0];
	if (firstRealFailure && !continueOnFail)
		throw asNodeError(this, firstRealFailure.error, firstRealFailure.i);

	// n8n hands an AI agent the first output only: as a tool every item stays on it.
	const outputConfiguration = session.asTool
		? [{ type: 'main' as const }]
		: configuredOutputs({
				operation: this.getNodeParameter('operation', 0) as string,
				waitForCompletion: this.getNodeParameter('waitForCompletion', 0, false) as boolean,
				options: this.getNodeParameter('options', 0, {}) as { routeByOutcome?: boolean },
			});
	// An AI tool has no Error output: the model reads the row.
	const toErrorOutput = !session.asTool && this.getNode().onError === 'continueErrorOutput';
	const rows: OutputRow[] = [];
	for (const [i, result] of results.entries()) {
		if (!result) continue;
		if (result.ok) rows.push(...result.value.map((item) => ({ item, failed: false as const })));
		else {
			const error = asNodeError(this, result.error, i);
			rows.push({ item: errorItem(error, i, toErrorOutput), failed: true, error });
		}
	}
	// A row bound for the Error output must stay `{ error }` alone (see errorItem): not shaped.
	const shapeable = rows.filter((row) => !(toErrorOutput && row.failed));
	const shaped = operation.finalize ? operation.finalize.call(this, shapeable) : shapeable;
	let next = 0;
	const final = rows.map((row) => (toErrorOutput && row.failed ? row : shaped[next++]));

	const outputs: INodeExecutionData[][] = outputConfiguration.map(() => []);
	for (const { item, failed } of final) {
		const status = failed ? 'failed' : item.json.run_status;
		outputs[outputIndexFor(outputConfiguration, status)].push(item);
	}
	addHints(this, outputs.flat());
	return outputs;
}
