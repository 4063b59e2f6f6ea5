import type { IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';

import {
	forEachRunPage,
	MAX_RUN_PAGES,
	RUN_PAGE_SIZE,
	type Run,
} from '../../nodes/shared/transport/api';

/**
 * A context whose list route answers `pageOf(page)`; it records the query of every request. The
 * pager's paths through the real API (Get Many, Skip If Called Within, polling) are in
 * test/node/getMany.test.ts, test/node/skipRecent.test.ts and test/trigger/polling.test.ts.
 */
function listing(pageOf: (page: number) => number[]) {
	const queries: Array<Record<string, unknown>> = [];
	const context = {
		getNode: () => ({ name: 'Sysevo', type: 'n8n-nodes-sysevo.sysevo' }),
		getCredentials: async () => ({ baseUrl: 'https://sysevo.example/api/v1' }),
		helpers: {
			httpRequestWithAuthentication: async (_name: string, options: IHttpRequestOptions) => {
				const qs = options.qs as Record<string, unknown>;
				queries.push(qs);
				// A negative id stands for a row that is not a run (no numeric id, no created_at).
				const runs = pageOf(Number(qs.page)).map((id) =>
					id < 0
						? { id: 'unreadable' }
						: {
								id,
								created_at: `2026-12-01T00:00:00.${String(id).padStart(3, '0')}+00:00`,
								is_completed: true,
							},
				);
				return { statusCode: 200, headers: {}, body: { runs } };
			},
		},
	} as unknown as IPollFunctions;
	return { context, queries };
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k);

async function pagesSeen(
	pageOf: (page: number) => number[],
	stopAfter = Infinity,
): Promise<{ pages: number[][]; ended: boolean; queries: Array<Record<string, unknown>> }> {
	const { context, queries } = listing(pageOf);
	const pages: number[][] = [];
	const ended = await forEachRunPage.call(context, 7, { newestFirst: true }, (runs: Run[]) => {
		pages.push(runs.map((run) => run.id));
		return pages.length >= stopAfter ? 'stop' : 'more';
	});
	return { pages, ended, queries };
}

describe('forEachRunPage: the one run-list pager', () => {
	it('reads pages of RUN_PAGE_SIZE from page 1 until a short page', async () => {
		const { pages, ended, queries } = await pagesSeen((page) =>
			page < 3 ? ids(page * 1000, RUN_PAGE_SIZE) : ids(page * 1000, 3),
		);
		expect(ended).toBe(true);
		expect(pages.map((page) => page.length)).toEqual([RUN_PAGE_SIZE, RUN_PAGE_SIZE, 3]);
		expect(queries.map((query) => [query.page, query.limit, query.sort_order])).toEqual([
			[1, RUN_PAGE_SIZE, 'desc'],
			[2, RUN_PAGE_SIZE, 'desc'],
			[3, RUN_PAGE_SIZE, 'desc'],
		]);
	});

	it('leaves out a run an earlier page listed (a new run shifted the offsets)', async () => {
		const { pages } = await pagesSeen((page) =>
			page === 1 ? ids(1, RUN_PAGE_SIZE) : [RUN_PAGE_SIZE - 1, RUN_PAGE_SIZE, 500, 501],
		);
		expect(pages[1]).toEqual([500, 501]);
		expect(new Set(pages.flat()).size).toBe(pages.flat().length);
	});

	it("stops when the page's reader says so, without reading the next page", async () => {
		const { pages, ended, queries } = await pagesSeen(() => ids(1, RUN_PAGE_SIZE), 1);
		expect(ended).toBe(true);
		expect(pages).toHaveLength(1);
		expect(queries).toHaveLength(1);
	});

	it('gives up after MAX_RUN_PAGES full pages and says it did not reach the end', async () => {
		const { ended, queries } = await pagesSeen((page) => ids(page * RUN_PAGE_SIZE, RUN_PAGE_SIZE));
		expect(ended).toBe(false);
		expect(queries).toHaveLength(MAX_RUN_PAGES);
		expect(queries.at(-1)?.page).toBe(MAX_RUN_PAGES);
	});

	it('reads on past a full page that held a row that is not a run', async () => {
		const { pages, ended } = await pagesSeen((page) =>
			page === 1 ? [...ids(1, RUN_PAGE_SIZE - 1), -1] : ids(page * 1000, 3),
		);
		expect(ended).toBe(true);
		expect(pages.map((page) => page.length)).toEqual([RUN_PAGE_SIZE - 1, 3]);
	});
});
