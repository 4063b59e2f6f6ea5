import { NodeOperationError, type IDataObject, type IPollFunctions } from 'n8n-workflow';

import { DEFAULT_OUTCOME_SETTLE_SECONDS } from '../../shared/defaults';
import type { OutputOptions } from '../../shared/runOutput';
import { checkPositiveInteger } from '../../shared/helpers/identifiers';
import {
	runFilter,
	sourceFilter,
	type RunFilter,
	type RunFilterSettings,
} from '../../shared/helpers/runFilter';

export interface PollSettings {
	agentIds: number[];
	filter: RunFilter;
	/** The source part of the filter, known before a run ends. */
	wantedSource: RunFilter;
	output: OutputOptions;
	historyHours: number;
	outcomeSettleMs: number;
}

interface PollOptions extends OutputOptions {
	historyHours?: number;
	outcomeSettleSeconds?: number;
}

/** The agent IDs as saved: version 1 keeps a list (or comma-separated text), version 2 rows. */
function savedAgentIds(context: IPollFunctions, firstVersion: boolean): unknown[] {
	if (firstVersion) {
		const raw = context.getNodeParameter('agentIds', []) as unknown;
		return Array.isArray(raw) ? raw : String(raw ?? '').split(',');
	}
	const rows = context.getNodeParameter('agents.agent', []) as Array<{ id?: unknown }>;
	return rows.map(({ id }) =>
		id !== null && typeof id === 'object' && 'value' in id ? id.value : (id ?? ''),
	);
}

function agentIdsOf(context: IPollFunctions): number[] {
	const firstVersion = context.getNode().typeVersion < 2;
	const values = savedAgentIds(context, firstVersion);
	const ids = new Set<number>();
	for (const value of values) {
		if (typeof value === 'string' && value.trim() === '') continue;
		const check = checkPositiveInteger(value, 'agent ID');
		if (!check.valid) throw new NodeOperationError(context.getNode(), check.reason);
		ids.add(check.value);
	}
	if (ids.size === 0) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one agent to watch', {
			description: firstVersion
				? 'Pick agents under "Agent Names or IDs", or switch "Receive Results By" to Webhook'
				: 'Pick an agent under "Agents", or switch "Receive Results By" to Webhook',
		});
	}
	return [...ids];
}

export function pollSettingsOf(context: IPollFunctions): PollSettings {
	const options = context.getNodeParameter('options', {}) as PollOptions;
	const filters = context.getNodeParameter('filters', {}) as IDataObject;
	return {
		agentIds: agentIdsOf(context),
		filter: runFilter(filters as RunFilterSettings),
		wantedSource: sourceFilter(filters as RunFilterSettings),
		output: {
			includeTranscript: options.includeTranscript === true,
			simplify: options.simplify === true,
		},
		historyHours: Math.max(0, Number(options.historyHours ?? 0) || 0),
		outcomeSettleMs:
			Math.max(0, Number(options.outcomeSettleSeconds ?? DEFAULT_OUTCOME_SETTLE_SECONDS) || 0) *
			1000,
	};
}
