import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { runOutput, type OutputOptions } from '../../Sysevo/shared/runOutput';
import { runFilter, type RunFilterSettings } from '../runFilter';
import { parseBody, runFromWebhook } from './payload';
import { hasValidSecret } from './secret';

function reject(context: IWebhookFunctions, status: number, error: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify({ error }));
	return { noWebhookResponse: true };
}

/**
 * Receives the POST that an agent's Webhook node sends after each call. Only a request that
 * carries the shared secret and a well-formed run starts the workflow.
 */
export async function receiveRun(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (this.getNodeParameter('mode', 'polling') !== 'webhook')
		return reject(this, 404, 'This trigger polls Sysevo; it does not receive webhooks');
	const headerName = String(this.getNodeParameter('headerName', '')).trim();
	const secret = String(this.getNodeParameter('secret', '')).trim();
	if (!hasValidSecret(this.getHeaderData(), headerName, secret)) {
		return reject(
			this,
			401,
			`Missing or wrong shared secret in the ${headerName || 'secret'} header`,
		);
	}

	const request = this.getRequestObject() as { rawBody?: unknown };
	const body = parseBody(this.getBodyData(), request.rawBody);
	const received = runFromWebhook(body);
	if (!received.valid) return reject(this, 400, received.reason);

	const filters = this.getNodeParameter('filters', {}) as RunFilterSettings;
	if (!runFilter(filters)(received.run)) {
		return {
			webhookResponse: { received: true, ignored: 'The run does not match the trigger filters' },
		};
	}
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const output: OutputOptions = {
		includeTranscript: options.includeTranscript === true,
		simplify: options.simplify === true,
	};
	const json = await runOutput.call(this, received.run, output);
	return { workflowData: [this.helpers.returnJsonArray([json])] };
}
