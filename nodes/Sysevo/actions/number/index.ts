import type { INodeProperties } from 'n8n-workflow';

import * as validate from './validate.operation';

export { validate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['number'] } },
		options: [
			{
				name: 'Validate',
				value: 'validate',
				action: 'Validate a phone number',
				description:
					'Check a number before calling it: valid, E.164 form, country, type, and whether the destination rules allow it. No request is sent.',
			},
		],
		default: 'validate',
	},
	...validate.description,
];
