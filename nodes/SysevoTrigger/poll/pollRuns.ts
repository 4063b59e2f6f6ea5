import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { outcomeSettled } from '../../shared/helpers/runSummary';
import { runOutput } from '../../shared/runOutput';
import {
	advanceCursor,
	emptyCursor,
	isoTime,
	startingCursor,
	type AgentCursor,
	type RunListItem,
	type RunSource,
} from './cursor';
import { fetchInFull, fetchRun, firstRuns, listRuns } from './runsApi';
import { pollSettingsOf, type PollSettings } from './settings';

type Cursors = Record<string, AgentCursor>;

interface FinishedRun {
	agentId: number;
	run: RunListItem;
}

/** Runs read with Get Run during this poll: already complete, unlike list items. */
type FullRuns = WeakSet<RunListItem>;

function runsOfAgent(context: IPollFunctions, agentId: number, fullRuns: FullRuns): RunSource {
	return {
		listSince: async (since) => await listRuns.call(context, agentId, { createdFrom: since }),
		listRunning: async (since) =>
			await listRuns.call(context, agentId, { status: 'in_progress', createdFrom: since }),
		newest: async () => (await firstRuns.call(context, agentId, { newestFirst: true }, 1))[0],
		fetch: async (runId) => {
			const run = await fetchRun.call(context, agentId, runId);
			if (run) fullRuns.add(run);
			return run;
		},
	};
}

async function pollAgent(
	context: IPollFunctions,
	agentId: number,
	cursor: AgentCursor | undefined,
	settings: PollSettings,
	fullRuns: FullRuns,
): Promise<{ cursor: AgentCursor; finished: FinishedRun[] }> {
	const source = runsOfAgent(context, agentId, fullRuns);
	const now = Date.now();
	const cursorSettings = {
		includeTranscript: settings.output.includeTranscript === true,
		outcomeSettleMs: settings.outcomeSettleMs,
		now,
		follows: settings.wantedSource,
	};
	if (!cursor && settings.historyHours === 0)
		return { cursor: await startingCursor(source, now, settings.wantedSource), finished: [] };
	const from = cursor ?? emptyCursor(isoTime(now - settings.historyHours * 3_600_000));
	const step = await advanceCursor(source, from, cursorSettings);
	return { cursor: step.cursor, finished: step.finished.map((run) => ({ agentId, run })) };
}

/**
 * The outputs of the finished runs that pass the filters. List items lack QA results, cost details
 * and public links, so each is read in full first (one Get Run per emitted call), and polling
 * gives the same shape as Get Run.
 */
async function outputsFor(
	context: IPollFunctions,
	finished: FinishedRun[],
	settings: PollSettings,
	fullRuns: FullRuns,
): Promise<INodeExecutionData[]> {
	const wanted = finished.filter(({ run }) => settings.filter(run));
	const thin = wanted.filter(({ run }) => !fullRuns.has(run));
	const fetched = await fetchInFull.call(
		context,
		thin.map(({ agentId, run }) => ({ workflowId: agentId, run })),
	);
	const full = new Map(thin.map(({ run }, index) => [run, fetched[index]]));
	const items: INodeExecutionData[] = [];
	for (const { run } of wanted) {
		const complete = full.get(run) ?? run;
		const json = await runOutput.call(context, complete as IDataObject, settings.output);
		items.push({ json: { ...json, outcome_settled: outcomeSettled(complete) } });
	}
	return items;
}

function pollFailure(context: IPollFunctions, error: unknown): NodeApiError {
	const failure = error as { message?: string; description?: string; httpCode?: string | null };
	return new NodeApiError(
		context.getNode(),
		{ message: failure.message ?? 'Polling Sysevo failed' } as JsonObject,
		{
			message: `Polling Sysevo failed: ${failure.message ?? 'unknown error'}`,
			description: `${failure.description ? `${failure.description} ` : ''}Nothing was emitted and the trigger kept its position: the next poll picks up every call this one would have.`,
			httpCode: failure.httpCode ?? undefined,
		},
	);
}

/** Manual "fetch test event": the newest finished run that passes the filters, cursor untouched. */
async function latestRun(
	context: IPollFunctions,
	settings: PollSettings,
): Promise<INodeExecutionData[][]> {
	let latest: FinishedRun | undefined;
	for (const agentId of settings.agentIds) {
		const runs = await firstRuns.call(context, agentId, { status: 'completed', newestFirst: true });
		const match = runs.find((run) => settings.filter(run));
		if (match && (!latest || Date.parse(match.created_at) > Date.parse(latest.run.created_at)))
			latest = { agentId, run: match };
	}
	if (!latest) {
		throw new NodeOperationError(
			context.getNode(),
			'No finished call of the selected agents matches the filters',
			{
				description:
					'Place a call with the agent (or loosen the filters: tests from the agent editor count only when Filters → Call Sources includes Editor Tests), then fetch the test event again.',
			},
		);
	}
	return [await outputsFor(context, [latest], settings, new WeakSet())];
}

/**
 * One poll: every agent's cursor is advanced in memory and stored only after every request has
 * succeeded, so a failed poll neither emits nor moves, and the next one covers the same ground.
 */
export async function pollRuns(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	if (this.getNodeParameter('mode', 'polling') !== 'polling') return null;
	const settings = pollSettingsOf(this);
	try {
		if (this.getMode() === 'manual') return await latestRun(this, settings);
		const state = this.getWorkflowStaticData('node');
		const previous = (state.agents ?? {}) as Cursors;
		const next: Cursors = {};
		const finished: FinishedRun[] = [];
		const fullRuns: FullRuns = new WeakSet();
		for (const agentId of settings.agentIds) {
			const step = await pollAgent(this, agentId, previous[String(agentId)], settings, fullRuns);
			next[String(agentId)] = step.cursor;
			finished.push(...step.finished);
		}
		const items = await outputsFor(this, finished, settings, fullRuns);
		state.agents = next;
		return items.length > 0 ? [items] : null;
	} catch (error) {
		if (error instanceof NodeOperationError) throw new NodeOperationError(this.getNode(), error);
		throw pollFailure(this, error);
	}
}
