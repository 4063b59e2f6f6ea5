import type { IPollFunctions } from 'n8n-workflow';

import { findRun, listRunsPage, type RunListFilter } from '../../shared/transport/api';
import type { RunListItem } from './cursor';

const PAGE_SIZE = 100;
/** A safety stop, far above any real backlog (100 000 runs). */
const MAX_PAGES = 1000;

export interface ListQuery {
	createdFrom?: string | null;
	status?: 'completed' | 'in_progress';
	newestFirst?: boolean;
	/** Stop after the first page. */
	firstPageOnly?: boolean;
	limit?: number;
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
	const limit = query.limit ?? PAGE_SIZE;
	const filters = filtersOf(query);
	const byId = new Map<number, RunListItem>();
	for (let page = 1; page <= MAX_PAGES; page++) {
		const runs = await listRunsPage.call(this, workflowId, {
			page,
			limit,
			newestFirst: query.newestFirst,
			filters,
		});
		// Offset pages can shift while runs are written; a run seen twice is the same run.
		for (const run of runs) if (!byId.has(run.id)) byId.set(run.id, run);
		if (query.firstPageOnly || runs.length < limit) break;
	}
	return [...byId.values()];
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
	const full: RunListItem[] = runs.map(({ run }) => run);
	const failures: unknown[] = [];
	let next = 0;
	const lane = async (): Promise<void> => {
		while (failures.length === 0 && next < runs.length) {
			const index = next++;
			const { workflowId, run } = runs[index];
			try {
				full[index] = (await fetchRun.call(this, workflowId, run.id)) ?? run;
			} catch (error) {
				failures.push(error);
			}
		}
	};
	const lanes = Math.min(FULL_RUN_CONCURRENCY, runs.length);
	await Promise.all(Array.from({ length: lanes }, lane));
	if (failures.length > 0) throw failures[0];
	return full;
}
