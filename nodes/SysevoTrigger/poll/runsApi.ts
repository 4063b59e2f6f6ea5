import { NodeApiError, type IDataObject, type IPollFunctions, type JsonObject } from 'n8n-workflow';

import { sysevoApiRequest } from '../../Sysevo/transport';
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

interface RunPage {
	runs?: unknown;
}

function filtersOf(query: ListQuery): IDataObject[] {
	const filters: IDataObject[] = [];
	if (query.createdFrom) {
		filters.push({ attribute: 'dateRange', type: 'dateRange', value: { from: query.createdFrom } });
	}
	if (query.status)
		filters.push({ attribute: 'status', type: 'radio', value: { status: query.status } });
	return filters;
}

function isRun(value: unknown): value is RunListItem {
	const run = value as Partial<RunListItem> | null;
	return typeof run?.id === 'number' && typeof run.created_at === 'string';
}

/** `GET /workflow/{id}/runs`, every page, oldest first unless asked otherwise; duplicates dropped. */
export async function listRuns(
	this: IPollFunctions,
	workflowId: number,
	query: ListQuery,
): Promise<RunListItem[]> {
	const limit = query.limit ?? PAGE_SIZE;
	const filters = filtersOf(query);
	const byId = new Map<number, RunListItem>();
	for (let page = 1; page <= MAX_PAGES; page++) {
		const body = (await sysevoApiRequest.call(this, {
			method: 'GET',
			path: `/workflow/${workflowId}/runs`,
			qs: {
				page,
				limit,
				sort_by: 'created_at',
				sort_order: query.newestFirst ? 'desc' : 'asc',
				...(filters.length > 0 ? { filters: JSON.stringify(filters) } : {}),
			},
			purpose: 'listRuns',
		})) as RunPage;
		const runs = Array.isArray(body.runs) ? body.runs.filter(isRun) : [];
		// Offset pages can shift while runs are written; a run seen twice is the same run.
		for (const run of runs) if (!byId.has(run.id)) byId.set(run.id, run);
		if (query.firstPageOnly || runs.length < limit) break;
	}
	return [...byId.values()];
}

/** `GET /workflow/{id}/runs/{run_id}`, or null when the run no longer exists. */
export async function fetchRun(
	this: IPollFunctions,
	workflowId: number,
	runId: number,
): Promise<RunListItem | null> {
	try {
		const run = await sysevoApiRequest.call(this, {
			method: 'GET',
			path: `/workflow/${workflowId}/runs/${runId}`,
			purpose: 'getRun',
		});
		return isRun(run) ? run : null;
	} catch (error) {
		const failure = error as { message?: string; description?: string; httpCode?: string };
		if (failure.httpCode === '404') return null;
		throw new NodeApiError(this.getNode(), error as JsonObject, {
			message: failure.message,
			description: failure.description,
			httpCode: failure.httpCode,
		});
	}
}
