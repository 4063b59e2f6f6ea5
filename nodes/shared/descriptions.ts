import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_OUTCOME_SETTLE_SECONDS } from './defaults';

const UUID_PATTERN =
	'^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$';

/** What an agent locator's value is: the workflow UUID (the trigger routes) or the numeric ID (the runs routes). */
export type AgentValue = 'workflowUuid' | 'agentId';

export interface AgentLocatorSettings {
	name: string;
	valuedBy: AgentValue;
	/** Not required, and an empty ID is accepted. */
	optional?: boolean;
	default?: INodeProperties['default'];
	description?: string;
}

/** An agent picked from the list (list search `agentSearch` or `agentIdSearch`) or typed. */
export function agentLocatorOf({
	name,
	valuedBy,
	optional = false,
	...shown
}: AgentLocatorSettings): INodeProperties {
	const typed =
		valuedBy === 'workflowUuid'
			? {
					displayName: 'By Workflow UUID',
					placeholder: 'e.g. 0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60',
					regex: UUID_PATTERN,
					errorMessage: 'Not a valid workflow UUID',
				}
			: {
					displayName: 'By ID',
					placeholder: 'e.g. 312',
					regex: optional ? '^\\s*([1-9][0-9]*)?\\s*$' : '^\\s*[1-9][0-9]*\\s*$',
					errorMessage: 'The agent ID is a whole number',
				};
	return {
		displayName: optional ? 'Agent (Optional)' : 'Agent',
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		...(optional ? {} : { required: true }),
		...shown,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an agent...',
				typeOptions: {
					searchListMethod: valuedBy === 'workflowUuid' ? 'agentSearch' : 'agentIdSearch',
					searchable: true,
				},
			},
			{
				displayName: typed.displayName,
				name: 'id',
				type: 'string',
				placeholder: typed.placeholder,
				validation: [
					{
						type: 'regex',
						properties: { regex: typed.regex, errorMessage: typed.errorMessage },
					},
				],
			},
		],
	};
}

/** An agent by its numeric ID, from the list or typed: what the runs routes take. */
export const agentIdLocator = agentLocatorOf({ name: 'agentId', valuedBy: 'agentId' });

export const outcomeSettleOption: INodeProperties = {
	displayName: 'Outcome Settle Time (Seconds)',
	name: 'outcomeSettleSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_OUTCOME_SETTLE_SECONDS,
	description:
		'Sysevo marks a call ended a few seconds before it writes the disposition, extracted data and cost. How long to wait for them after the call ends; a call still without them is returned with outcome_settled false.',
};

export const includeTranscriptOption: INodeProperties = {
	displayName: 'Include Transcript',
	name: 'includeTranscript',
	type: 'boolean',
	default: false,
	description:
		'Whether to add the conversation as text (transcript) and as turns (transcript_turns)',
};

export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return one flat row per call instead of the full run: the same columns in the same order for every call of an execution (IDs, phone_number, called_at, outcome, duration, cost, recording link, extracted_…, qa_… and context_… columns), ready for a sheet or CRM',
};

/** Filters → Call Sources: which of an agent's runs count (helpers/callSource.ts). */
export function callSourcesFilter(description: string): INodeProperties {
	return {
		displayName: 'Call Sources',
		name: 'callSources',
		type: 'multiOptions',
		default: ['api'],
		description,
		options: [
			{
				name: 'API Calls',
				value: 'api',
				description:
					'Calls placed through the API, e.g. by the Sysevo node (runs named WR-API-…; WR-TEST-… on the draft)',
			},
			{
				name: 'Campaign Calls',
				value: 'campaign',
				description: 'Calls a Sysevo campaign placed (WR-CAMPAIGN-…)',
			},
			{
				name: 'Editor Tests (Web, Chat, Phone)',
				value: 'editorTest',
				description:
					'Test calls, web calls and text chats started from the agent editor on the draft',
			},
			{
				name: 'Inbound Calls',
				value: 'inbound',
				description: "Calls into the agent's phone numbers (WR-TEL-IN-…)",
			},
			{
				name: 'Website Widget',
				value: 'widget',
				description: 'Voice calls and chats of visitors using the embedded website widget',
			},
		],
	};
}

/** Filters → Outcomes: the run_status values a filter can keep. */
export function outcomesFilter(description: string, withStillRunning: boolean): INodeProperties {
	return {
		displayName: 'Outcomes',
		name: 'outcomes',
		type: 'multiOptions',
		default: [],
		description,
		options: [
			{ name: 'Completed (Connected)', value: 'completed' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'Not Connected (Busy, No Answer, Canceled)', value: 'not_connected' },
			...(withStillRunning ? [{ name: 'Still Running', value: 'in_progress' }] : []),
			{ name: 'Voicemail (a Machine Answered)', value: 'voicemail' },
		],
	};
}
