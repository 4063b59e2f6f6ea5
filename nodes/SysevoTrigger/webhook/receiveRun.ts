import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { runOutput, type OutputOptions } from '../../shared/runOutput';
import { runFilter, type RunFilterSettings } from '../../shared/helpers/runFilter';
import { secretSetting } from './auth';
import {
	deliveryIdOf,
	deliveryMemory,
	emittedDeliveries,
	isRepeat,
	withoutRun,
} from './deliveries';
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
 * carries the shared secret starts the workflow, and each run at most once. A payload with a
 * readable run id is never answered in the 4xx range: Sysevo would drop it for good.
 */
export async function receiveRun(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (this.getNodeParameter('mode', 'polling') !== 'webhook')
		return reject(this, 404, 'This trigger polls Sysevo; it does not receive webhooks');
	const setting = await secretSetting.call(this);
	const headers = this.getHeaderData();
	if (setting.source === 'none' || !hasValidSecret(headers, setting.headerName, setting.secret)) {
		const header = setting.source === 'none' ? 'secret' : setting.headerName || 'secret';
		return reject(this, 401, `Missing or wrong shared secret in the ${header} header`);
	}

	const request = this.getRequestObject() as { rawBody?: unknown };
	const body = parseBody(this.getBodyData(), request.rawBody);
	const received = runFromWebhook(body, headers['x-dograh-workflow-run-id']);
	if (!received.valid) return reject(this, 400, received.reason);
	const { run, warnings } = received;

	// A test event ("Listen for test event") is shown every time it arrives.
	const remembers = this.getMode() !== 'manual';
	const staticData = this.getWorkflowStaticData('node');
	const memory = deliveryMemory(`${this.getWorkflow().id ?? ''}/${this.getNode().id}`);
	const stored = emittedDeliveries(staticData.emittedDeliveries);
	const runId = run.id as number;
	const deliveryId = deliveryIdOf(headers['x-dograh-delivery-id']);
	if (remembers && (memory.has(runId, deliveryId) || isRepeat(stored, runId, deliveryId))) {
		return {
			webhookResponse: {
				received: true,
				ignored: `Run ${runId} was already received; a repeated delivery starts nothing`,
			},
		};
	}

	// A payload with fields that could not be read cannot be judged by the filters; it is emitted
	// rather than dropped, with its warnings.
	const filters = this.getNodeParameter('filters', {}) as RunFilterSettings;
	if (warnings.length === 0 && !runFilter(filters)(run)) {
		return {
			webhookResponse: { received: true, ignored: 'The run does not match the trigger filters' },
		};
	}
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const output: OutputOptions = {
		includeTranscript: options.includeTranscript === true,
		simplify: options.simplify === true,
	};
	// Remembered before the first await: a repeat that arrives while the output is being prepared
	// (Sysevo retries a delivery whose answer is slow) must find it. Forgotten again if preparing
	// fails, so that Sysevo's retry of the failed answer is emitted.
	const forget = () => {
		memory.forget(runId);
		staticData.emittedDeliveries = withoutRun(
			emittedDeliveries(staticData.emittedDeliveries),
			runId,
		);
	};
	if (remembers) {
		memory.add(runId, deliveryId);
		staticData.emittedDeliveries = memory.mergedWith(stored);
		// n8n answers 5xx when it could not start the execution after all (its database or queue
		// failing under load); Sysevo retries such an answer, and the retry must start the run.
		const response = this.getResponseObject();
		response.once('finish', () => {
			if (response.statusCode >= 500) forget();
		});
	}
	let json: IDataObject | undefined;
	try {
		json = await runOutput.call(this, run, output);
	} finally {
		if (remembers && json === undefined) forget();
	}
	if (warnings.length > 0) json.payload_warnings = warnings;
	return { workflowData: [this.helpers.returnJsonArray([json])] };
}
