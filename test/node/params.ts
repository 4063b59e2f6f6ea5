import type { INodeParameters } from 'n8n-workflow';

import { SEED } from '../helpers/sandbox';

export function triggerParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'call',
		operation: 'trigger',
		agentIdType: 'workflowUuid',
		agent: { __rl: true, mode: 'id', value: SEED.agents.renewal.workflowUuid },
		useDraft: false,
		phoneNumber: '={{ $json.phone }}',
		contextInput: 'keyValue',
		initialContext: { values: [{ key: 'customer_name', value: '={{ $json.name }}' }] },
		options: {},
		...overrides,
	};
}

export function byTriggerPath(
	triggerUuid: string,
	overrides: INodeParameters = {},
): INodeParameters {
	return triggerParameters({ agentIdType: 'triggerUuid', triggerUuid, ...overrides });
}

export function getRunParameters(overrides: INodeParameters = {}): INodeParameters {
	return { resource: 'call', operation: 'getRun', ...overrides };
}
