import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialsDisplayOptions,
	type ICredentialTestFunctions,
	type IDisplayOptions,
	type IHookFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { properties } from './description';
import { agentIdSearch } from '../shared/listSearch';
import { getAgents } from './methods/loadOptions';
import { pollRuns } from './poll/pollRuns';
import { secretSetting } from './webhook/auth';
import { receiveRun } from './webhook/receiveRun';
import { secretSetupProblem } from './webhook/secret';

/**
 * The Sysevo Webhook API credential: in webhook mode, and hidden while a workflow saved before the
 * credential existed still carries the secret as a parameter, so that such a workflow keeps
 * passing n8n's checks until it is moved.
 *
 * Only `hide`: the editor takes a parameter named in the credentials' `show` for an authentication
 * selector when `show` covers all its values (2.x) or it has no values (1.x, as `secret`), and then
 * drops Receive Results By from the parameters, leaving no way to switch to webhook mode. n8n
 * evaluates credentials' conditions like parameters' (`_cnd` included); only the type omits them.
 */
const webhookCredentialConditions: IDisplayOptions = {
	hide: { mode: ['polling'], secret: [{ _cnd: { not: '' } }] },
};
const webhookCredentialDisplay = webhookCredentialConditions as ICredentialsDisplayOptions;

// The webhook exists only in Webhook mode: an undefined path makes n8n skip it, so a polling
// trigger registers no URL and "Fetch Test Event" polls instead of waiting for a request.
const WHEN_WEBHOOK_MODE = '$parameter["mode"] === "webhook"';

export class SysevoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sysevo Trigger',
		name: 'sysevoTrigger',
		icon: { light: 'file:../../icons/sysevo.svg', dark: 'file:../../icons/sysevo.dark.svg' },
		group: ['trigger'],
		// 2: agents are picked from resource locators (see the Agents parameter in description.ts).
		version: [1, 2],
		defaultVersion: 2,
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
			{
				name: 'sysevoWebhookApi',
				required: true,
				displayOptions: webhookCredentialDisplay,
				testedBy: 'sysevoWebhookSecretTest',
			},
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

	methods = {
		loadOptions: { getAgents },
		listSearch: { agentIdSearch },
		credentialTest: {
			// Nothing to call: Sysevo sends the secret, so the test checks that it can be used.
			async sysevoWebhookSecretTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const data = credential.data ?? {};
				const problem = secretSetupProblem(
					String(data.headerName ?? '').trim(),
					String(data.secret ?? '').trim(),
				);
				return problem
					? { status: 'Error', message: problem }
					: { status: 'OK', message: 'The header name and secret can be used' };
			},
		},
	};

	// Sysevo has no API to register webhooks: the URL is pasted into the agent's Webhook node.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const setting = await secretSetting.call(this);
				if (setting.source === 'none')
					throw new NodeOperationError(
						this.getNode(),
						'No Sysevo Webhook API credential is selected',
						{
							description:
								'Select or create a Sysevo Webhook API credential in the Sysevo Trigger node: it holds the secret that Sysevo sends with each call result',
						},
					);
				const problem = secretSetupProblem(setting.headerName, setting.secret);
				if (problem)
					throw new NodeOperationError(this.getNode(), problem, {
						description:
							setting.source === 'credential'
								? 'Fix it in the Sysevo Webhook API credential'
								: 'Move the secret into a Sysevo Webhook API credential (see the notice in the Sysevo Trigger node)',
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
