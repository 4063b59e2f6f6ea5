import { authenticateUser } from './auth';
import type { RequestContext } from './context';
import {
	agentsOfOrganization,
	fitsInt4,
	TELEPHONY_CONFIGS,
	type AgentRecord,
	type DefinitionRecord,
} from './data';
import {
	detail,
	internalServerError,
	json,
	lastParam,
	validationError,
	type SandboxResponse,
} from './http';
import type { JsonObject } from './types';
import { intFromString } from './validation';

const WORKFLOW_STATUSES = ['active', 'archived'];

/** `GET /workflow/fetch[?status=]`: without a filter, active AND archived agents. */
export function fetchAgents(ctx: RequestContext): SandboxResponse {
	const listed = listAgents(ctx);
	if ('status' in listed) return listed;
	return json(
		200,
		listed.map((agent) => ({
			id: agent.id,
			name: agent.name,
			status: agent.status,
			created_at: agent.createdAt,
			total_runs: ctx.app.store.runsOfWorkflow(agent.id, agent.organizationId).length,
			folder_id: null,
			workflow_uuid: agent.workflowUuid,
		})),
	);
}

/** `GET /workflow/summary`: `{id, name}` only, no `workflow_uuid`. */
export function agentSummary(ctx: RequestContext): SandboxResponse {
	const listed = listAgents(ctx);
	if ('status' in listed) return listed;
	return json(
		200,
		listed.map((agent) => ({ id: agent.id, name: agent.name })),
	);
}

export function countAgents(ctx: RequestContext): SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const agents = agentsOfOrganization(auth.key.organizationId);
	const active = agents.filter((agent) => agent.status === 'active').length;
	return json(200, { total: agents.length, active, archived: agents.length - active });
}

/** `GET /workflow/fetch/{id}`: the draft definition when one exists. */
export function fetchAgent(ctx: RequestContext): SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const workflowId = intFromString(ctx.params.workflow_id, ['path', 'workflow_id']);
	if (workflowId.error) return validationError([workflowId.error]);
	if (!fitsInt4(workflowId.value)) return internalServerError();
	const agent = agentsOfOrganization(auth.key.organizationId).find(
		(item) => item.id === workflowId.value,
	);
	if (!agent) return detail(404, `Workflow with id ${workflowId.value} not found`);
	const shown = (agent.draft ?? agent.published) as DefinitionRecord;
	return json(200, {
		id: agent.id,
		name: agent.name,
		status: agent.status,
		created_at: agent.createdAt,
		workflow_definition: definitionDocument(shown),
		current_definition_id: shown.id,
		template_context_variables: agent.templateContextVariables,
		call_disposition_codes: { disposition_codes: ['XFER', 'DNC', 'CALLBACK'] },
		total_runs: ctx.app.store.runsOfWorkflow(agent.id, agent.organizationId).length,
		workflow_configurations: { max_call_duration: 600, max_user_idle_timeout: 10 },
		version_number: shown.versionNumber,
		version_status: agent.draft ? 'draft' : 'published',
		workflow_uuid: agent.workflowUuid,
	});
}

export function telephonyConfigs(ctx: RequestContext): SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const configs =
		ctx.app.options().telephony === 'none'
			? []
			: TELEPHONY_CONFIGS.filter((config) => config.organizationId === auth.key.organizationId);
	return json(200, {
		configurations: configs.map((config) => ({
			id: config.id,
			name: config.name,
			provider: config.provider,
			connectivity: 'api',
			is_default_outbound: config.isDefaultOutbound,
			inactive: config.inactive,
			inactive_since: config.inactive ? '2026-07-01T00:00:00Z' : null,
			inactive_reason: config.inactiveReason,
			phone_number_count: config.callerNumbers.length,
			is_ready_for_outbound: !config.inactive && config.outboundBlockedReason === null,
			outbound_blocked_reason: config.outboundBlockedReason,
			created_at: config.createdAt,
			updated_at: config.createdAt,
		})),
	});
}

function listAgents(ctx: RequestContext): AgentRecord[] | SandboxResponse {
	const auth = authenticateUser(ctx);
	if (auth.response) return auth.response;
	const statuses = parseStatusFilter(lastParam(ctx.query, 'status'));
	if ('status' in statuses) return statuses;
	return agentsOfOrganization(auth.key.organizationId)
		.filter((agent) => statuses.length === 0 || statuses.includes(agent.status))
		.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** A bad status filter is a 422 whose `detail` is a STRING (docs/sysevo-api.md §2.5). */
function parseStatusFilter(raw: string | null): string[] | SandboxResponse {
	if (!raw) return [];
	const values = raw.split(',').map((value) => value.trim());
	const invalid = values.filter((value) => !WORKFLOW_STATUSES.includes(value));
	if (invalid.length === 0) return values;
	return detail(
		422,
		`Invalid workflow status filter: ${pythonList(invalid)}. Allowed values: ${pythonList(WORKFLOW_STATUSES)}.`,
	);
}

function pythonList(values: string[]): string {
	return `[${values.map((value) => `'${value}'`).join(', ')}]`;
}

function definitionDocument(definition: DefinitionRecord): JsonObject {
	const triggers = definition.triggerPaths.map((path, index) => ({
		id: `trigger-${index + 1}`,
		type: 'trigger',
		position: { x: 0, y: index * 120 },
		data: { name: 'API Trigger', enabled: true, trigger_path: path },
	}));
	return {
		nodes: [
			...triggers,
			{
				id: 'start',
				type: 'startCall',
				position: { x: 320, y: 0 },
				data: {
					name: 'Greeting',
					prompt: 'Greet {{greeting_name}} and state the reason for the call.',
				},
			},
			{
				id: 'end',
				type: 'endCall',
				position: { x: 640, y: 0 },
				data: { name: 'Goodbye', prompt: 'Thank the caller and end the call.' },
			},
		],
		edges: [{ id: 'start-end', source: 'start', target: 'end', data: { label: 'done' } }],
	};
}
