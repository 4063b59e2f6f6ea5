import { PollContext, WebhookContext } from 'n8n-core';
import {
	sleep,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeType,
	type IWebhookData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { outcomeSettled } from '../../nodes/shared/helpers/runSummary';
import { SysevoTrigger } from '../../nodes/SysevoTrigger/SysevoTrigger.node';
import type { Sandbox } from '../../sandbox';
import { additionalDataFor, nodeTypesFor, type TestCredentials } from '../helpers/engine';
import { startReceiver } from '../helpers/httpReceiver';
import { recordLog, recordRun } from '../helpers/leaks';
import { SEED } from '../helpers/sandbox';

export const TRIGGER_TYPE = 'n8n-nodes-sysevo.sysevoTrigger';
export const TRIGGER_NAME = 'Sysevo Trigger';
export const RENEWAL = SEED.agents.renewal;

/** Every parameter with its default, as n8n stores a node after loading a workflow. */
export function triggerParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		mode: 'polling',
		agentIds: [String(RENEWAL.id)],
		headerName: 'X-Sysevo-Secret',
		secret: '',
		filters: {},
		options: {},
		...overrides,
	};
}

/** Version 2's Agents parameter: one row per agent, each a resource locator value. */
export function agentRows(
	...agents: Array<{ mode: 'list' | 'id'; value: string }>
): INodeParameters {
	return { agent: agents.map((agent) => ({ id: { __rl: true, ...agent } })) };
}

function triggerNode(parameters: INodeParameters, typeVersion: number): INode {
	return {
		id: 'c4b2e6d3-0000-4000-8000-000000000002',
		name: TRIGGER_NAME,
		type: TRIGGER_TYPE,
		typeVersion,
		position: [0, 0],
		parameters,
		webhookId: '9f3c1a2b-0000-4000-8000-000000000003',
		credentials: { sysevoApi: { id: '1', name: 'Sysevo sandbox' } },
	};
}

function workflowOf(
	node: INode,
	staticData: IDataObject,
	nodeType: INodeType = new SysevoTrigger(),
	id = 'wf-trigger',
): Workflow {
	return new Workflow({
		id,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesFor({ [TRIGGER_TYPE]: nodeType }),
		staticData,
	});
}

export interface PollResult {
	/** Emitted items as JSON; empty when the poll returned null. */
	items: IDataObject[];
	error?: Error & { httpCode?: string | null; description?: string | null };
}

/**
 * An activated poll trigger as n8n keeps it: one workflow object whose static data lives in
 * memory between polls, written to the database (here: a JSON round trip) when a poll succeeds.
 */
export class PollingTrigger {
	private workflow: Workflow;
	private readonly node: INode;

	constructor(
		parameters: INodeParameters,
		private readonly credentials: TestCredentials,
		/** The node type under test: the source by default, or one loaded from the built package. */
		private readonly trigger: INodeType = new SysevoTrigger(),
		typeVersion = 1,
	) {
		this.node = triggerNode(triggerParameters(parameters), typeVersion);
		this.workflow = workflowOf(this.node, {}, trigger);
	}

	get storedCursor(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
	}

	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<PollResult> {
		const additionalData = additionalDataFor(
			this.credentials as unknown as ICredentialDataDecryptedObject,
		);
		const context = new PollContext(
			this.workflow,
			this.node,
			additionalData,
			mode,
			mode === 'manual' ? 'manual' : 'activate',
		);
		try {
			const output = await this.trigger.poll!.call(context);
			if (mode !== 'manual') this.workflow = workflowOf(this.node, this.storedCursor, this.trigger);
			return { items: (output?.[0] ?? []).map((item) => item.json) };
		} catch (error) {
			return { items: [], error: error as PollResult['error'] };
		}
	}
}

export interface Delivery {
	status: number;
	body: IDataObject;
}

export interface WebhookTriggerOptions {
	/** A Sysevo Webhook API credential selected on the node. */
	credential?: { headerName: string; secret: string };
	/** 'manual' for a test event ("Listen for test event"). */
	mode?: WorkflowExecuteMode;
	/** Whether n8n fails to start the execution the trigger asked for (a 500, as when its database fails). */
	startFails?: () => boolean;
}

/**
 * A webhook-mode trigger behind a loopback URL, run in n8n-core's real WebhookContext. The
 * workflow's static data lives on between requests, as n8n loads and saves it around each call.
 */
let webhookWorkflows = 0;

export async function webhookTrigger(
	parameters: INodeParameters,
	{ credential, mode = 'webhook', startFails = () => false }: WebhookTriggerOptions = {},
) {
	const node = triggerNode(triggerParameters({ mode: 'webhook', ...parameters }), 1);
	if (credential)
		node.credentials = {
			...node.credentials,
			sysevoWebhookApi: { id: '2', name: 'Sysevo webhook' },
		};
	// Each receiver stands for its own workflow: the trigger also remembers deliveries per workflow
	// in process memory (nodes/SysevoTrigger/webhook/deliveries.ts).
	const workflow = workflowOf(node, {}, undefined, `wf-webhook-${++webhookWorkflows}`);
	const trigger = new SysevoTrigger();
	const emitted: IDataObject[] = [];
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'sysevo',
		webhookDescription: trigger.description.webhooks![0],
		workflowId: workflow.id,
	} as unknown as IWebhookData;

	const receiver = await startReceiver(async (request, response) => {
		const additionalData = {
			...additionalDataFor({ ...credential }),
			httpRequest: request,
			httpResponse: response,
		} as never;
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		const result = await trigger.webhook.call(context);
		if (result.noWebhookResponse) return undefined;
		if (result.workflowData) {
			if (startFails()) throw new Error('Workflow Webhook Error: Workflow could not be started!');
			const items = result.workflowData[0];
			recordRun({ outputs: [items] });
			emitted.push(...items.map((item) => item.json));
			return { message: 'Workflow was started' };
		}
		return result.webhookResponse ?? { message: 'Webhook call received' };
	});

	return {
		url: receiver.url,
		emitted,
		/** The node's static data, as n8n would save it after the last request. */
		get staticData(): IDataObject {
			return JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		},
		close: receiver.close,
		async post(body: unknown, headers: Record<string, string> = {}): Promise<Delivery> {
			const response = await fetch(receiver.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: typeof body === 'string' ? body : JSON.stringify(body),
			});
			const text = await response.text();
			recordLog('webhook answer', `${response.status} ${text}`);
			return { status: response.status, body: JSON.parse(text) as IDataObject };
		},
	};
}

export async function waitUntil(
	condition: () => boolean,
	timeoutMs = 10_000,
	what = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(10);
	}
}

/** Last four digits decide how the sandbox call ends (see sandbox/README.md). */
export const PHONES = {
	answered: (n: number) => `+1415557${String(1000 + (n % 9000)).padStart(4, '0')}`,
	busy: '+14155550001',
	noAnswer: '+14155550002',
	voicemail: '+14155550003',
	failed: '+14155550004',
	neverEnds: '+14155550009',
};

/** Places calls through the sandbox's public trigger route; returns the new run ids in order. */
export async function placeCalls(
	sandbox: Sandbox,
	phones: string[],
	options: { draft?: boolean } = {},
): Promise<number[]> {
	const route = options.draft ? 'public/agent/test/workflow' : 'public/agent/workflow';
	const ids: number[] = [];
	for (const phone of phones) {
		const response = await fetch(`${sandbox.baseUrl}/${route}/${RENEWAL.workflowUuid}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': sandbox.apiKey },
			body: JSON.stringify({ phone_number: phone }),
		});
		const body = (await response.json()) as { workflow_run_id?: number; detail?: unknown };
		if (response.status !== 200 || !body.workflow_run_id)
			throw new Error(`trigger failed: ${response.status} ${JSON.stringify(body)}`);
		ids.push(body.workflow_run_id);
	}
	return ids;
}

/**
 * Whether every run has ended and its outcome is written: Sysevo marks a connected call completed
 * seconds before its disposition (docs/sysevo-api.md §6.3), and the trigger waits for both.
 */
export function allCompleted(sandbox: Sandbox, ids: number[]): boolean {
	const done = new Set(
		sandbox
			.runs()
			.filter((run) => run.is_completed && outcomeSettled(run as unknown as IDataObject))
			.map((run) => run.id),
	);
	return ids.every((id) => done.has(id));
}

export function idsOf(items: IDataObject[]): number[] {
	return items.map((item) => item.id as number);
}
