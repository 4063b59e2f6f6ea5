import type { INodeProperties } from 'n8n-workflow';

import * as getRun from './getRun.operation';
import * as trigger from './trigger.operation';

export { getRun, trigger };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Get Run',
				value: 'getRun',
				action: 'Get run',
				description: 'Fetch the status, outcome and data the agent gathered on a call',
			},
			{
				name: 'Trigger Call',
				value: 'trigger',
				action: 'Trigger call',
				description: 'Have a Sysevo agent phone a number now',
			},
		],
		default: 'trigger',
	},
	...trigger.description,
	...getRun.description,
];
