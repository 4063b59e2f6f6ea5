import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as call from './actions/call';
import * as number from './actions/number';
import { configuredOutputs } from './actions/outputs';
import { router } from './actions/router';
import { toolDescriptionProperties } from './actions/toolDescription';
import { listSearch, loadOptions } from './methods';

export class Sysevo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sysevo',
		name: 'sysevo',
		icon: { light: 'file:../../icons/sysevo.svg', dark: 'file:../../icons/sysevo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "getRun" ? "Get Run" : $parameter["operation"] === "getMany" ? "Get Many Runs" : $parameter["operation"] === "validate" ? "Validate Number" : "Trigger Call" }}',
		description: 'Place outbound AI phone calls with a Sysevo voice agent and fetch how they went',
		defaults: { name: 'Sysevo' },
		usableAsTool: {
			replacements: {
				description:
					'Phones a person with a Sysevo AI voice agent (Trigger Call) or reports how a call went (Get Run). Give phone numbers in international format such as +14155552671. Calls go only to the countries the workflow allows; premium-rate and special numbers are refused unless the workflow allows them; each call costs money, so call each person once.',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		// Validate Number sends no request, so it needs no credential.
		credentials: [
			{ name: 'sysevoApi', required: true, displayOptions: { hide: { resource: ['number'] } } },
		],
		properties: [
			...toolDescriptionProperties,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'Phone Number', value: 'number' },
				],
				default: 'call',
			},
			...call.description,
			...number.description,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
