import type { IPollFunctions } from 'n8n-workflow';

import { runPool } from '../../shared/pool';
import {
	findRun,
	forEachRunPage,
	listRunsPage,
	RUN_PAGE_SIZE,
	type RunListFilter,
} from '../../shared/transport/api';
import type { RunListItem } from './cursor';

export interface ListQuery {
	createdFrom?: string | null;
	status?: 'completed' | 'in_progress';
	newestFirst?: boolean;
}

function filtersOf(query: ListQuery): RunListFilter[] {
	const filters: RunListFilter[] = [];
	if (query.createdFrom) {
		filters.push({ attribute: 'dateRange', type: 'dateRange', value: { from: query.createdFrom } });
	}
	if (query.status)
		filters.push({ attribute: 'status', type: 'radio', value: { status: query.status } });
	return filters;
}

/** Every page of an agent's runs, oldest first unless asked otherwise; duplicates dropped. */
export async function listRuns(
	this: IPollFunctions,
	workflowId: number,
	query: ListQuery,
): Promise<RunListItem[]> {
	const listed: RunListItem[] = [];
	await forEachRunPage.call(
		this,
		workflowId,
		{ newestFirst: query.newestFirst, filters: filtersOf(query) },
		(runs) => {
			listed.push(...runs);
			return 'more';
		},
	);
	return listed;
}

/** The first `limit` runs of an agent's list: one request. */
export async function firstRuns(
	this: IPollFunctions,
	workflowId: number,
	query: ListQuery,
	limit = RUN_PAGE_SIZE,
): Promise<RunListItem[]> {
	return await listRunsPage.call(this, workflowId, {
		page: 1,
		limit,
		newestFirst: query.newestFirst,
		filters: filtersOf(query),
	});
}

/** One run, or null when it no longer exists. */
export async function fetchRun(
	this: IPollFunctions,
	workflowId: number,
	runId: number,
): Promise<RunListItem | null> {
	return await findRun.call(this, workflowId, runId);
}

/** Get Runs in flight at once when polled runs are fetched in full. */
export const FULL_RUN_CONCURRENCY = 5;

export interface RunOfAgent {
	workflowId: number;
	run: RunListItem;
}

/**
 * Each run as Get Run returns it, in the order given, at most `FULL_RUN_CONCURRENCY` at a time.
 * List items are thin (docs/sysevo-api.md §6.6): no QA `annotations`, no `usage_info`, no public
 * links. A run that no longer exists keeps what the list had. Every request is awaited before the
 * first failure is thrown, so none is left running after the poll has given up.
 */
export async function fetchInFull(
	this: IPollFunctions,
	runs: RunOfAgent[],
): Promise<RunListItem[]> {
	let firstFailure: { error: unknown } | undefined;
	const fetched = await runPool(
		runs.length,
		FULL_RUN_CONCURRENCY,
		async (index) => {
			const { workflowId, run } = runs[index];
			return (await fetchRun.call(this, workflowId, run.id)) ?? run;
		},
		{ stopOnError: true, onFirstError: (error) => (firstFailure = { error }) },
	);
	if (firstFailure) throw firstFailure.error;
	return fetched.map((result, index) => (result?.ok ? result.value : runs[index].run));
}
