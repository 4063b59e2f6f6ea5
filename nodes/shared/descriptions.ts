import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_RECORDING_SIZE_MB,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_OUTCOME_SETTLE_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
} from './defaults';
import { countryOptions } from './helpers/phone';

const UUID_PATTERN =
	'^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$';

export const agentLocator: INodeProperties = {
	displayName: 'Agent',
	name: 'agent',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Sysevo agent that places the call',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an agent...',
			typeOptions: { searchListMethod: 'agentSearch', searchable: true },
		},
		{
			displayName: 'By Workflow UUID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60',
			validation: [
				{
					type: 'regex',
					properties: { regex: UUID_PATTERN, errorMessage: 'Not a valid workflow UUID' },
				},
			],
		},
	],
};

/** Get Run's agent: optional, since the run is found by its ID alone (docs/sysevo-api.md §6.13). */
export const optionalWorkflowIdLocator: INodeProperties = {
	displayName: 'Agent (Optional)',
	name: 'workflowId',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.workflow_id }}' },
	description:
		"Not needed: Sysevo finds the run by its ID within your organisation. Kept for workflows that set it; it is sent when it is a valid agent ID, else 0 is sent in the agent's place.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an agent...',
			typeOptions: { searchListMethod: 'agentIdSearch', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 312',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*([1-9][0-9]*)?\\s*$',
						errorMessage: 'The agent ID is a whole number',
					},
				},
			],
		},
	],
};

/** An agent by its numeric ID, from the list or typed: what the runs routes take. */
export const agentIdLocator: INodeProperties = {
	displayName: 'Agent',
	name: 'agentId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an agent...',
			typeOptions: { searchListMethod: 'agentIdSearch', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 312',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[1-9][0-9]*\\s*$',
						errorMessage: 'The agent ID is a whole number',
					},
				},
			],
		},
	],
};

export const workflowIdLocator: INodeProperties = {
	...agentIdLocator,
	name: 'workflowId',
	default: { mode: 'id', value: '={{ $json.workflow_id }}' },
	description: 'The agent (workflow) whose calls to read',
};

export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'options',
	default: '',
	description:
		'Country of phone numbers written without a leading + and country code, e.g. (415) 555-2671 with United States',
	options: [{ name: 'None (Numbers Must Start With +)', value: '' }, ...countryOptions()],
};

export const waitForCompletionProperty: INodeProperties = {
	displayName: 'Wait for Call to End',
	name: 'waitForCompletion',
	type: 'boolean',
	// It decides the node's outputs, which n8n computes before any item exists.
	noDataExpression: true,
	default: false,
	description:
		'Whether to wait until the call has ended and return its outcome and extracted data (and the transcript with Options → Include Transcript). Items wait in parallel.',
};

const whenWaiting = { show: { '/waitForCompletion': [true] } };

export const pollIntervalOption: INodeProperties = {
	displayName: 'Poll Interval (Seconds)',
	name: 'pollIntervalSeconds',
	type: 'number',
	typeOptions: { minValue: 0.1, numberPrecision: 1 },
	default: DEFAULT_POLL_INTERVAL_SECONDS,
	description: 'How often to ask Sysevo whether the call has ended',
	displayOptions: whenWaiting,
};

export const maxWaitOption: INodeProperties = {
	displayName: 'Max Wait (Seconds)',
	name: 'maxWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_WAIT_SECONDS,
	description:
		'How long to wait for the call to end. A call still running then is returned with run_status "in_progress" and timed_out true; fetch it later with Get Run.',
	displayOptions: whenWaiting,
};

export const outcomeSettleOption: INodeProperties = {
	displayName: 'Outcome Settle Time (Seconds)',
	name: 'outcomeSettleSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_OUTCOME_SETTLE_SECONDS,
	description:
		'Sysevo marks a call ended a few seconds before it writes the disposition, extracted data and cost. How long to wait for them after the call ends; a call still without them is returned with outcome_settled false.',
	displayOptions: whenWaiting,
};

export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'timeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
	description:
		'How long to wait for Sysevo to answer one request. A call whose request timed out may still have been placed, so it is not retried.',
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

export const routeByOutcomeOption: INodeProperties = {
	displayName: 'Route by Outcome',
	name: 'routeByOutcome',
	type: 'boolean',
	default: false,
	description:
		'Whether to send each call to its own output: Completed, Voicemail, Not Connected, Failed or Still Running (items that fail under Continue On Fail go to Failed)',
};

export const includePublicLinksOption: INodeProperties = {
	displayName: 'Include Public Links',
	name: 'includePublicLinks',
	type: 'boolean',
	default: true,
	description:
		"Whether to keep the public recording and transcript links in the output. These links never expire and let anyone who has them play the call. As an AI agent's tool the node leaves them out (they would reach the model provider) unless this option is added and on.",
};

export const downloadRecordingOption: INodeProperties = {
	displayName: 'Download Recording',
	name: 'downloadRecording',
	type: 'boolean',
	default: false,
	description:
		'Whether to attach the call recording as binary data (property "recording"). Calls without a recording have none.',
};

export const maxRecordingSizeOption: INodeProperties = {
	displayName: 'Max Recording Size (MB)',
	name: 'maxRecordingSizeMb',
	type: 'number',
	typeOptions: { minValue: 0.001, numberPrecision: 3 },
	default: DEFAULT_MAX_RECORDING_SIZE_MB,
	description:
		'Largest recording Download Recording accepts; a larger one fails its item with an error saying so',
};

/** Options that shape a finished run: shown on Get Run always, on Trigger Call when waiting. */
export function runResultOptions(onlyWhenWaiting: boolean): INodeProperties[] {
	const options = [
		includeTranscriptOption,
		simplifyOption,
		routeByOutcomeOption,
		includePublicLinksOption,
		downloadRecordingOption,
		maxRecordingSizeOption,
	];
	return onlyWhenWaiting
		? options.map((option) => ({ ...option, displayOptions: whenWaiting }))
		: options;
}

/** n8n lists collection options alphabetically. */
export function sortedByName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

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

/** Destination rules: Trigger Call refuses such numbers, Validate Number reports them. */
export const allowedCountriesOption: INodeProperties = {
	displayName: 'Allowed Countries',
	name: 'allowedCountries',
	type: 'multiOptions',
	default: [],
	options: countryOptions(),
	description:
		'Only numbers in these countries are called; any other number fails its item before dialling. None selected allows every country.',
};

export const blockPremiumNumbersOption: INodeProperties = {
	displayName: 'Block Premium-Rate and Special Numbers',
	name: 'blockPremiumNumbers',
	type: 'boolean',
	default: true,
	description:
		'Whether to refuse premium-rate, shared-cost, personal, pager, UAN and voicemail-access numbers, which cost extra or reach no person',
};

/**
 * Calling Hours (docs/calling-hours.md): the window in the recipient's local time, with From, To
 * and Days for custom hours. Trigger Call and Validate Number share these.
 */
export const callingHoursOptions: INodeProperties[] = [
	{
		displayName: 'Calling Hours',
		name: 'callingHours',
		type: 'options',
		default: 'anytime',
		options: [
			{
				name: 'Any Time',
				value: 'anytime',
				description: 'Call whatever the time is where the recipient is',
			},
			{
				name: 'Legal Hours of the Recipient’s Country',
				value: 'legal',
				description:
					'The hours the table in the docs gives for where the number is (US TCPA and state rules, Canada, France, Australia, UK, Germany; 09:00–20:00 Monday to Saturday elsewhere). Guidance, not legal advice.',
			},
			{
				name: 'Custom',
				value: 'custom',
				description: 'From, To and Days below, in the recipient’s local time',
			},
		],
		description:
			'When a number may be dialled, in its own local time (the time zone comes from the number; where it may be in several, only times inside the window in all of them count). A number outside its window, or whose time zone cannot be told, is not dialled: it comes out with run_status "not_called" and next_call_at, the instant its window opens (use it in a Wait node\'s At Specified Time).',
	},
	{
		displayName: 'Calling Hours From',
		name: 'callingHoursFrom',
		type: 'string',
		default: '09:00',
		placeholder: 'e.g. 09:00',
		description: 'Earliest local time to dial, as HH:MM (24-hour clock)',
		displayOptions: { show: { callingHours: ['custom'] } },
	},
	{
		displayName: 'Calling Hours To',
		name: 'callingHoursTo',
		type: 'string',
		default: '20:00',
		placeholder: 'e.g. 20:00',
		description:
			'Local time from which no number is dialled, as HH:MM (24-hour clock); 20:00 means the last dial is at 19:59. Must be later than From; 24:00 is the end of the day.',
		displayOptions: { show: { callingHours: ['custom'] } },
	},
	{
		displayName: 'Calling Days',
		name: 'callingDays',
		type: 'multiOptions',
		default: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
		options: [
			{ name: 'Friday', value: 'friday' },
			{ name: 'Monday', value: 'monday' },
			{ name: 'Saturday', value: 'saturday' },
			{ name: 'Sunday', value: 'sunday' },
			{ name: 'Thursday', value: 'thursday' },
			{ name: 'Tuesday', value: 'tuesday' },
			{ name: 'Wednesday', value: 'wednesday' },
		],
		description: 'Days on which numbers may be dialled, by the recipient’s local date',
		displayOptions: { show: { callingHours: ['custom'] } },
	},
];
