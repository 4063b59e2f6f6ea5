import type { INodeProperties } from 'n8n-workflow';

import {
	agentIdLocator,
	callSourcesFilter,
	includeTranscriptOption,
	outcomesFilter,
	outcomeSettleOption,
	simplifyOption,
} from '../shared/descriptions';
import { sortedByName } from '../shared/helpers/sortedByName';

const whenWebhook = { show: { mode: ['webhook'] } };

export const DEFAULT_SECRET_HEADER = 'X-Sysevo-Secret';

/** What the agent's Webhook node sends; README.md shows the same text. */
export const WEBHOOK_PAYLOAD_TEMPLATE = `{
  "workflow_run_id": "{{workflow_run_id}}",
  "workflow_run_name": "{{workflow_run_name}}",
  "workflow_id": "{{workflow_id}}",
  "workflow_name": "{{workflow_name}}",
  "campaign_id": "{{campaign_id}}",
  "call_time": "{{call_time}}",
  "initial_context": "{{initial_context}}",
  "gathered_context": "{{gathered_context}}",
  "cost_info": "{{cost_info}}",
  "annotations": "{{annotations}}",
  "recording_url": "{{recording_url}}",
  "transcript_url": "{{transcript_url}}"
}`;

const filters: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		callSourcesFilter(
			"Which calls to start on. An agent's runs also hold tests from the agent editor, chats, inbound and campaign calls. Without this filter, only API calls (such as those the Sysevo node places; WR-TEST-… ones only with Include API Calls on the Draft). Empty means every source.",
		),
		{
			displayName: 'Dispositions',
			name: 'dispositions',
			type: 'string',
			default: '',
			placeholder: 'e.g. user_hangup, voicemail_detected',
			description:
				'Only calls that ended with one of these dispositions (comma-separated). Empty means any.',
		},
		{
			displayName: 'Include API Calls on the Draft',
			name: 'includeTestRuns',
			type: 'boolean',
			default: false,
			description:
				'Whether to also start on API calls placed with "Use Draft Version" (runs named WR-TEST-…). Tests from the agent editor are chosen under Call Sources.',
		},
		outcomesFilter('Only calls with one of these outcomes (run_status). Empty means any.', false),
	],
};

const historyHoursOption: INodeProperties = {
	displayName: 'Start With Calls From the Last (Hours)',
	name: 'historyHours',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'On activation, also emit calls started this many hours earlier. 0 starts from now: only calls that end after activation.',
	displayOptions: { show: { '/mode': ['polling'] } },
};

export const properties: INodeProperties[] = [
	{
		// The node panel lists a trigger's events from a property displayed as "Event": one entry,
		// named for what happens, instead of a generic "On new Sysevo event".
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'callEnded',
		options: [
			{
				name: 'Call Ended',
				value: 'callEnded',
				action: 'On call ended',
				description:
					'A call placed by your Sysevo agents has ended, answered or not: its outcome, transcript and extracted data',
			},
		],
	},
	{
		displayName: 'Receive Results By',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'polling',
		options: [
			{
				name: 'Polling',
				value: 'polling',
				description: 'Ask Sysevo for finished calls on a schedule. Works behind NAT and firewalls.',
			},
			{
				name: 'Webhook',
				value: 'webhook',
				description:
					"Receive the call result that the agent's Webhook node sends. n8n must be reachable from Sysevo.",
			},
		],
	},
	{
		displayName: 'Agent Names or IDs',
		name: 'agentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getAgents' },
		default: [],
		required: true,
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show: { '@version': [1], mode: ['polling'] } },
	},
	// Version 2: one agent list per row. n8n loads a resource locator's list when it is opened,
	// with the credential chosen by then; version 1's multi-select loads once when the node opens,
	// which in a freshly loaded editor can be before the credential is filled in.
	{
		displayName: 'Agents',
		name: 'agents',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Agent',
		default: { agent: [{ id: { __rl: true, mode: 'list', value: '' } }] },
		description: 'The agents whose calls start the workflow',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }], mode: ['polling'] } },
		options: [
			{
				displayName: 'Agent',
				name: 'agent',
				values: [{ ...agentIdLocator, name: 'id', description: 'An agent whose calls to watch' }],
			},
		],
	},
	{
		displayName:
			'In Sysevo, add a Webhook node to the agent: method POST, the Production URL shown above, a Custom header credential with the header name and secret of the Sysevo Webhook API credential selected here, and the Payload Template below as its body. Poll Times has no effect in this mode.',
		name: 'webhookNotice',
		type: 'notice',
		default: '',
		displayOptions: whenWebhook,
	},
	{
		displayName: 'Payload Template',
		name: 'payloadTemplate',
		type: 'string',
		typeOptions: { editor: 'jsEditor', editorIsReadOnly: true, rows: 14 },
		default: WEBHOOK_PAYLOAD_TEMPLATE,
		noDataExpression: true,
		description:
			"Copy this into the body of the agent's Webhook node. Sysevo fills in each {{…}} when a call ends; extra keys you add are passed through.",
		displayOptions: whenWebhook,
	},
	{
		displayName:
			'This trigger keeps its shared secret in the workflow, where every export and copy shows it. To move it into a credential: switch Receive Results By to Polling and back to Webhook (this removes the secret from the workflow; the URL stays), then create a Sysevo Webhook API credential with the same header name and secret, and save.',
		name: 'legacySecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { mode: ['webhook'] }, hide: { secret: [''] } },
	},
	// The secret used to be set on the node. These two stay, hidden, so that workflows saved with
	// them keep working (n8n drops parameters that the description no longer has); the Sysevo
	// Webhook credential replaces them.
	{
		displayName: 'Header Name',
		name: 'headerName',
		type: 'hidden',
		default: DEFAULT_SECRET_HEADER,
		displayOptions: whenWebhook,
	},
	{
		displayName: 'Shared Secret',
		name: 'secret',
		type: 'hidden',
		typeOptions: { password: true },
		default: '',
		displayOptions: whenWebhook,
	},
	filters,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortedByName([
			includeTranscriptOption,
			simplifyOption,
			historyHoursOption,
			{
				...outcomeSettleOption,
				description:
					'Sysevo marks a call ended a few seconds before it writes the disposition, extracted data and cost, so a call is held back until they are written. After this long it is emitted anyway, with outcome_settled false.',
				displayOptions: { show: { '/mode': ['polling'] } },
			},
		]),
	},
];
