import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getRun from './getRun.operation';
import * as trigger from './trigger.operation';

export { getMany, getRun, trigger };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Get Many Runs',
				value: 'getMany',
				action: 'Get many call runs',
				description:
					"List an agent's calls, filtered by date, outcome, disposition, number or source",
			},
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
	...getMany.description,
];
