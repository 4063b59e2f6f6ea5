import type { INodeProperties } from 'n8n-workflow';

import { countryOptions } from '../helpers/phone';

const UUID_PATTERN = '^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$';

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

export const workflowIdLocator: INodeProperties = {
	displayName: 'Agent',
	name: 'workflowId',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.workflow_id }}' },
	required: true,
	description:
		'The agent (workflow) the run belongs to. After Trigger Call this is filled from its output.',
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
					properties: { regex: '^\\s*[1-9][0-9]*\\s*$', errorMessage: 'The agent ID is a whole number' },
				},
			],
		},
	],
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
