import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { prefetch } from '../helpers/prefetch';
import type { RunStatus } from '../helpers/runSummary';
import * as call from './call';
import { CallSession, type PacingOptions } from './session';

type Operation = 'trigger' | 'getRun';

const PARALLEL_READS = 5;

/** Output index per outcome when routing by outcome; items that failed go to Failed. */
const OUTCOME_OUTPUT: Record<RunStatus, number> = {
	completed: 0,
	not_connected: 1,
	failed: 2,
	in_progress: 3,
};
const FAILED_OUTPUT = OUTCOME_OUTPUT.failed;

function errorItem(error: Error, i: number): INodeExecutionData {
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

function asNodeError(context: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex: i });
}

/** Must agree with the `outputs` expression of the node description. */
function routesByOutcome(context: IExecuteFunctions, operation: Operation): boolean {
	const route = context.getNodeParameter('options.routeByOutcome', 0, false) as boolean;
	const waiting = context.getNodeParameter('waitForCompletion', 0, false) as boolean;
	return route && (operation === 'getRun' || waiting);
}

function addHints(context: IExecuteFunctions, items: INodeExecutionData[]): void {
	if (typeof context.addExecutionHints !== 'function') return;
	const timedOut = items.filter((item) => item.json.timed_out === true).length;
	if (timedOut > 0) {
		context.addExecutionHints({
			message: `${timedOut} call(s) were still running when the maximum wait ended (run_status "in_progress", timed_out true). Raise Options → Max Wait, or fetch them later with Get Run: Trigger Call → Wait → Get Run.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	const noTranscript = items.filter(
		(item) => item.json.transcript_source === 'none' && item.json.run_status === 'completed',
	).length;
	if (noTranscript > 0) {
		context.addExecutionHints({
			message: `No transcript is available yet for ${noTranscript} connected call(s). Sysevo uploads it shortly after the call ends; fetch it later with Get Run and Include Transcript.`,
			type: 'info',
			location: 'outputPane',
		});
	}
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const waiting = this.getNodeParameter('waitForCompletion', 0, false) as boolean;
	const session = new CallSession(this, this.getNodeParameter('options', 0, {}) as PacingOptions);
	const continueOnFail = this.continueOnFail();

	// Trigger items are checked in input order in the background while earlier calls are in flight,
	// so neither a long list's start nor each wave of dials waits for parameter reading.
	const plans = prefetch(
		items.length,
		(i) => call.trigger.prepare.call(this, i),
		async () => await sleep(0),
	);

	const runItem = async (i: number): Promise<INodeExecutionData[]> => {
		switch (operation) {
			case 'trigger':
				return await call.trigger.execute.call(this, i, session, await plans.get(i));
			case 'getRun':
				return await call.getRun.execute.call(this, i);
			default:
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation as string}" is not supported`,
				);
		}
	};

	// Triggers queue on the session's call slots, so every item may start; reads are bounded here.
	const lanes = operation === 'trigger' || waiting ? items.length : PARALLEL_READS;
	const results = await runPool(items.length, lanes, runItem, {
		stopOnError: !continueOnFail,
		onFirstError: () => {
			if (!continueOnFail) session.stop('another item failed and the node stopped');
		},
	});

	const routed = routesByOutcome(this, operation);
	const outputs: INodeExecutionData[][] = routed ? [[], [], [], []] : [[]];
	const place = (item: INodeExecutionData, outcome?: unknown) => {
		const index = routed ? (OUTCOME_OUTPUT[outcome as RunStatus] ?? FAILED_OUTPUT) : 0;
		outputs[index].push(item);
	};

	const failures = results.flatMap((result, i) =>
		result && !result.ok ? [{ i, error: result.error }] : [],
	);
	const firstRealFailure = failures.find(({ error }) => !session.isStopError(error)) ?? failures[0];
	if (firstRealFailure && !continueOnFail)
		throw asNodeError(this, firstRealFailure.error, firstRealFailure.i);

	for (const [i, result] of results.entries()) {
		if (!result) continue;
		if (!result.ok) {
			place(errorItem(asNodeError(this, result.error, i), i), 'failed');
			continue;
		}
		for (const item of result.value) place(item, (item.json as IDataObject).run_status);
	}
	addHints(this, outputs.flat());
	return outputs;
}
