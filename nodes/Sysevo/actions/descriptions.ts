import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_MAX_RECORDING_SIZE_MB,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
} from '../../shared/defaults';
import {
	agentLocatorOf,
	includeTranscriptOption,
	outcomeSettleOption,
	simplifyOption,
} from '../../shared/descriptions';
import { countryOptions } from '../../shared/helpers/phone';

/** Trigger Call's agent, by workflow UUID (the trigger routes take it). */
export const agentLocator = agentLocatorOf({
	name: 'agent',
	valuedBy: 'workflowUuid',
	description: 'The Sysevo agent that places the call',
});

/** Get Run's agent: optional, since the run is found by its ID alone (docs/sysevo-api.md §6.13). */
export const optionalWorkflowIdLocator = agentLocatorOf({
	name: 'workflowId',
	valuedBy: 'agentId',
	optional: true,
	default: { mode: 'id', value: '={{ $json.workflow_id }}' },
	description:
		"Not needed: Sysevo finds the run by its ID within your organisation. Kept for workflows that set it; it is sent when it is a valid agent ID, else 0 is sent in the agent's place.",
});

export const workflowIdLocator = agentLocatorOf({
	name: 'workflowId',
	valuedBy: 'agentId',
	default: { mode: 'id', value: '={{ $json.workflow_id }}' },
	description: 'The agent (workflow) whose calls to read',
});

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

/** Outcome Settle Time, shown when waiting. */
export const waitingOutcomeSettleOption: INodeProperties = {
	...outcomeSettleOption,
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
