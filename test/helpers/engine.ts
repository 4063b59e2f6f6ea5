import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	sleep,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { SysevoApi } from '../../credentials/SysevoApi.credentials';
import { Sysevo } from '../../nodes/Sysevo/Sysevo.node';
import { recordRun } from './leaks';

export const NODE_TYPE = 'n8n-nodes-sysevo.sysevo';
export const NODE_NAME = 'Sysevo';

export interface TestCredentials {
	apiKey: string;
	baseUrl: string;
}

/** Applies a credential's `authenticate` (function or generic block) the way n8n's CLI credentials helper does. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentials: ICredentialDataDecryptedObject,
		private readonly credentialType: ICredentialType = new SysevoApi(),
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.credentialType.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (!auth || !workflow || !node) return requestOptions;
		const request = requestOptions as unknown as Record<string, IDataObject>;
		for (const [outer, values] of Object.entries(auth.properties)) {
			for (const [key, value] of Object.entries(values as IDataObject)) {
				request[outer] ??= {};
				request[outer][key] = workflow.expression.getSimpleParameterValue(
					node,
					value as string,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				) as string;
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.credentials };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(): INodeProperties[] {
		return this.credentialType.properties;
	}
}

export function nodeTypesFor(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types[name], version),
		getKnownTypes: () => ({}),
	};
}

export function additionalDataFor(
	credentials: ICredentialDataDecryptedObject,
	hooks?: ExecutionLifecycleHooks,
	executionId = 'exec-1',
) {
	return {
		executionId,
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Node settings as n8n stores them on the node (the Settings tab). */
export interface NodeSettings {
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	onError?: INode['onError'];
}

function nodeFor(
	typeName: string,
	parameters: INodeParameters,
	continueOnFail = false,
	settings: NodeSettings = {},
): INode {
	return {
		id: 'b3a1f5c2-0000-4000-8000-000000000001',
		name: NODE_NAME,
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { sysevoApi: { id: '1', name: 'Sysevo sandbox' } },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...settings,
	};
}

function workflowFor(node: INode, nodeType: INodeType): Workflow {
	return new Workflow({
		id: 'wf-test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesFor({ [node.type]: nodeType }),
	});
}

/** The context n8n gives list-search and load-options methods, for the real Sysevo node. */
export function loadOptionsContext(
	credentials: TestCredentials,
	parameters: INodeParameters = {},
): LoadOptionsContext {
	const node = nodeFor(NODE_TYPE, parameters);
	return new LoadOptionsContext(
		workflowFor(node, new Sysevo()),
		node,
		additionalDataFor(credentials as unknown as ICredentialDataDecryptedObject),
		'parameters',
	);
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: IDataObject[];
	credentials: TestCredentials | ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	nodeType?: INodeType;
	typeName?: string;
	/** Aborts the execution after this many milliseconds, like the Stop button. */
	cancelAfterMs?: number;
	/** Node settings (Retry On Fail, On Error) as n8n stores them. */
	settings?: NodeSettings;
	/** Defaults to 'exec-1'; executions that overlap need their own. */
	executionId?: string;
	/**
	 * Input items of further runs of the node in the same execution, one list per run: how an AI
	 * agent runs its tool node once per tool call.
	 */
	laterRuns?: IDataObject[][];
}

export interface RunResult {
	run: IRun;
	/** Items of every output of the node, output index first. */
	outputs: INodeExecutionData[][];
	/** Items of the first output, as plain JSON. */
	json: IDataObject[];
	/** Items of the first output of every run of the node (the first run, then `laterRuns`). */
	runs: IDataObject[][];
	error?: Error & { httpCode?: string | null; description?: string | null; context?: IDataObject };
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const typeName = options.typeName ?? NODE_TYPE;
	const node = nodeFor(typeName, options.parameters, options.continueOnFail, options.settings);
	const executionId = options.executionId ?? 'exec-1';
	const workflowData: IWorkflowBase = {
		id: 'wf-test',
		name: 'Sysevo test',
		active: false,
		isArchived: false,
		nodes: [node],
		connections: {},
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = workflowFor(node, options.nodeType ?? new Sysevo());

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = additionalDataFor(
		options.credentials as ICredentialDataDecryptedObject,
		hooks,
		executionId,
	);

	const inputs = [options.items ?? [{}], ...(options.laterRuns ?? [])];
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: inputs.map((input) => ({
				node,
				data: { main: [input.map((json) => ({ json }))] },
				source: null,
			})),
		},
	});
	let run: IRun;
	try {
		const execution = new WorkflowExecute(
			additionalData,
			'manual',
			runData,
		).processRunExecutionData(workflow);
		if (options.cancelAfterMs !== undefined)
			void sleep(options.cancelAfterMs).then(() => execution.cancel());
		run = await execution;
	} catch (error) {
		// n8n refuses to start a workflow whose parameters fail validation (WorkflowHasIssuesError).
		return recorded({
			run: undefined as unknown as IRun,
			outputs: [],
			json: [],
			runs: [],
			error: error as RunResult['error'],
		});
	}

	const tasks = run.data.resultData.runData[NODE_NAME] ?? [];
	const outputs = (tasks[0]?.data?.main ?? []).map((output) => output ?? []);
	return recorded({
		run,
		outputs,
		json: (outputs[0] ?? []).map((item) => item.json),
		runs: tasks.map((task) => (task.data?.main?.[0] ?? []).map((item) => item.json)),
		error: run.data.resultData.error as RunResult['error'],
	});
}

/** Hands every output item, error and hint to the suite-wide key-leak check (test/helpers/leaks.js). */
function recorded(result: RunResult): RunResult {
	recordRun(result);
	return result;
}
