import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { runPool } from '../../../shared/pool';
import { checkPositiveInteger } from '../../../shared/helpers/identifiers';
import { callSourcesFilter, outcomesFilter } from '../../../shared/descriptions';
import { sortedByName } from '../../../shared/helpers/sortedByName';
import { requestTimeoutOption, runResultOptions, workflowIdLocator } from '../descriptions';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../../../shared/defaults';
import { runItem, type OutputOptions } from '../../../shared/runOutput';
import { finalizeRunItems } from '../finishRows';
import { forEachRunPage, getRun, type Run } from '../../../shared/transport/api';
import { getManyFilterOf, type GetManyFilters } from './getManyFilter';

const PARALLEL_FETCHES = 5;

const properties: INodeProperties[] = [
	{
		...workflowIdLocator,
		default: { mode: 'list', value: '' },
		description: 'The agent whose calls to list',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			callSourcesFilter(
				'Only calls of these kinds. Without this filter, calls of every source are listed.',
			),
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only calls started at or after this time',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only calls started at or before this time',
			},
			{
				displayName: 'Dispositions',
				name: 'dispositions',
				type: 'string',
				default: '',
				placeholder: 'e.g. user_hangup, voicemail_detected',
				description: 'Only calls that ended with one of these dispositions (comma-separated)',
			},
			outcomesFilter('Only calls with one of these outcomes (run_status)', true),
			{
				displayName: 'Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				placeholder: 'e.g. +14155552671',
				description:
					'Only calls to (or, for inbound calls, from) this number, in international format',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedByName<INodeProperties>([
			{
				displayName: 'Fetch Full Runs',
				name: 'fetchFullRuns',
				type: 'boolean',
				default: true,
				description:
					'Whether to fetch each listed call in full (one more request per call), as Get Run returns it. The run list leaves out QA results, usage, logs and the public links, so without this the qa_… columns and recording_url stay empty.',
			},
			requestTimeoutOption,
			...runResultOptions(false),
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['getMany'] } },
	properties,
);

interface GetManyOptions extends OutputOptions {
	fetchFullRuns?: boolean;
	timeoutSeconds?: number;
}

/** Reads pages, newest first, until `wanted` runs matched or the list ends. */
async function matchingRuns(
	context: IExecuteFunctions,
	i: number,
	workflowId: number,
	filters: GetManyFilters,
	wanted: number,
	timeoutMs: number,
): Promise<Run[]> {
	const filter = getManyFilterOf(filters);
	if (!filter.valid)
		throw new NodeOperationError(context.getNode(), filter.reason, { itemIndex: i });
	const found: Run[] = [];
	if (!(wanted > 0)) return found;
	await forEachRunPage.call(
		context,
		workflowId,
		{ newestFirst: true, filters: filter.serverFilters },
		(runs) => {
			for (const run of runs) {
				if (filter.matches(run)) found.push(run);
				if (found.length >= wanted) return 'stop';
			}
			return 'more';
		},
		{ timeoutMs, itemIndex: i },
	);
	return found;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const agent = checkPositiveInteger(
		this.getNodeParameter('workflowId', i, '', { extractValue: true }),
		'agent ID',
	);
	if (!agent.valid) {
		throw new NodeOperationError(this.getNode(), agent.reason, {
			itemIndex: i,
			description: 'Pick the agent from the list, or enter its numeric ID',
		});
	}
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const wanted = returnAll ? Infinity : (this.getNodeParameter('limit', i, 50) as number);
	const filters = this.getNodeParameter('filters', i, {}) as GetManyFilters;
	const options = this.getNodeParameter('options', i, {}) as GetManyOptions;
	const timeoutMs = (options.timeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;

	const listed = await matchingRuns(this, i, agent.value, filters, wanted, timeoutMs);
	const fetched = await runPool(
		listed.length,
		PARALLEL_FETCHES,
		async (index): Promise<IDataObject> =>
			options.fetchFullRuns === false
				? listed[index]
				: await getRun.call(this, agent.value, listed[index].id, { timeoutMs, itemIndex: i }),
		{ stopOnError: true },
	);
	const items: INodeExecutionData[] = [];
	for (const result of fetched) {
		if (!result) continue;
		if (!result.ok) throw result.error;
		items.push(await runItem.call(this, result.value, options, i));
	}
	return items;
}

export const finalize = finalizeRunItems;
