import {
	NodeConnectionTypes,
	NodeOperationError,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { properties } from './description';
import { getAgents } from './methods/loadOptions';
import { pollRuns } from './poll/pollRuns';
import { receiveRun } from './webhook/receiveRun';
import { secretSetupProblem } from './webhook/secret';

// The webhook exists only in Webhook mode: an undefined path makes n8n skip it, so a polling
// trigger registers no URL and "Fetch Test Event" polls instead of waiting for a request.
const WHEN_WEBHOOK_MODE = '$parameter["mode"] === "webhook"';

export class SysevoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sysevo Trigger',
		name: 'sysevoTrigger',
		icon: { light: 'file:../../icons/sysevo.svg', dark: 'file:../../icons/sysevo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["mode"] === "webhook" ? "Webhook" : "Polling" }}',
		// n8n's node panel merges this trigger into the Sysevo node's entry and shows this text for
		// both, so it names what each does.
		description:
			'Place AI phone calls with a Sysevo voice agent, and start workflows when a call ends with its outcome, transcript and extracted data',
		defaults: { name: 'Sysevo Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'sysevoApi', required: true, displayOptions: { show: { mode: ['polling'] } } },
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: `={{ ${WHEN_WEBHOOK_MODE} ? "sysevo" : undefined }}`,
				ndvHideUrl: `={{ !(${WHEN_WEBHOOK_MODE}) }}`,
			},
		],
		properties,
	};

	methods = { loadOptions: { getAgents } };

	// Sysevo has no API to register webhooks: the URL is pasted into the agent's Webhook node.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const headerName = String(this.getNodeParameter('headerName', '')).trim();
				const problem = secretSetupProblem(
					headerName,
					String(this.getNodeParameter('secret', '')).trim(),
				);
				if (problem)
					throw new NodeOperationError(this.getNode(), problem, {
						description: 'Set it in the Sysevo Trigger node',
					});
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollRuns.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveRun.call(this);
	}
}
