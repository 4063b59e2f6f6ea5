import type { RequestContext } from './context';
import {
	AGENTS,
	findApiKey,
	fitsInt4,
	newCallId,
	TELEPHONY_CONFIGS,
	TRIGGERS,
	type AgentRecord,
	type ApiKeyRecord,
	type CallerNumberRecord,
	type DefinitionRecord,
	type TelephonyConfigRecord,
} from './data';
import { detail, internalServerError, json, validationError, type SandboxResponse } from './http';
import { outcomeForPhone, PROVIDER_REJECTION_DETAIL, QUOTA_EXHAUSTED_DETAIL } from './outcomes';
import { featuresOf, type PlatformFeatures } from './platform';
import { parsePythonJson } from './pyjson';
import type { JsonObject, TriggerMode } from './types';
import {
	jsonInvalidItem,
	missingItem,
	validateTriggerBody,
	type TriggerCallRequest,
	type ValidationItem,
} from './validation';

export interface TriggerRoute {
	mode: TriggerMode;
	by: 'triggerPath' | 'workflowUuid';
}

interface Target {
	agent: AgentRecord;
	definition: DefinitionRecord;
}

interface Telephony {
	config: TelephonyConfigRecord;
	caller: CallerNumberRecord;
}

const RESERVED_CONTEXT_KEYS = new Set(['provider', 'runtime_configuration', 'mps_correlation_id']);

/** `POST /public/agent[/test]/{uuid}` and `POST /public/agent[/test]/workflow/{uuid}`, HEAD check order. */
export function handleTrigger(ctx: RequestContext, route: TriggerRoute): SandboxResponse {
	const { app } = ctx;
	const features = featuresOf(app.options().platformVersion);
	const parsed = parseTriggerRequest(ctx, features);
	if (parsed.response) return parsed.response;
	const { apiKey, request } = parsed;

	const key = findApiKey(apiKey);
	if (!key) return detail(401, 'Invalid API key');
	const identifier = ctx.params.identifier;
	const target =
		route.by === 'triggerPath'
			? resolveByTriggerPath(identifier, key, route.mode)
			: resolveByWorkflowUuid(identifier, key, route.mode);
	if ('status' in target) return target;
	if (target.agent.userId === null) return detail(409, 'Workflow has no execution owner');
	const telephony = resolveTelephony(ctx, key.organizationId, request);
	if ('status' in telephony) return telephony;
	const initialContext = buildInitialContext(
		request,
		key,
		target.agent,
		telephony,
		route,
		identifier,
		features,
	);

	// The org slot is taken before the run exists; before 1.42 there is no cap (the slot only
	// counts the live call). A 429 carries no Retry-After.
	const limit = features.concurrencyCap ? app.options().concurrencyLimit : Infinity;
	const slot = app.slots.acquire(key.organizationId, limit);
	if (!slot) return detail(429, 'Concurrent call limit reached');
	const run = app.store.createRun({
		agent: target.agent,
		definitionId: target.definition.id,
		mode: telephony.config.provider,
		phone: request.phone_number,
		triggerMode: route.mode,
		initialContext,
	});
	app.slots.bind(slot, run.id);
	if (app.options().quotaExhausted) {
		app.simulator.markFailed(run, QUOTA_EXHAUSTED_DETAIL);
		return detail(402, QUOTA_EXHAUSTED_DETAIL);
	}
	const outcome = outcomeForPhone(request.phone_number);
	if (outcome === 'providerRejected') {
		app.simulator.markFailed(run, PROVIDER_REJECTION_DETAIL);
		return detail(400, PROVIDER_REJECTION_DETAIL);
	}
	const callId = newCallId();
	if (features.callContextStored) {
		// What the trigger stores once the provider accepted the dial (merged over the run).
		run.gathered_context = {
			provider: telephony.config.provider,
			triggered_by: 'api',
			call_id: callId,
			...(route.by === 'triggerPath' ? { trigger_uuid: identifier } : {}),
		};
		run.initial_context = {
			...run.initial_context,
			called_number: request.phone_number,
			caller_number: telephony.caller.number,
		};
	} else {
		run.gathered_context = { call_id: callId };
	}
	app.store.countDial(request.phone_number);
	app.simulator.place(run, outcome);
	return json(200, { status: 'initiated', workflow_run_id: run.id, workflow_run_name: run.name });
}

/** The phone number of a trigger body, for counting and fault filters (no validation). */
export function phoneOfTriggerBody(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const phone = (body as JsonObject).phone_number;
	return typeof phone === 'string' ? phone : undefined;
}

type ParsedRequest =
	| { response: SandboxResponse; apiKey?: undefined; request?: undefined }
	| { response?: undefined; apiKey: string; request: TriggerCallRequest };

/**
 * FastAPI's request handling: a JSON decode error is raised on its own, before parameters are
 * looked at; otherwise the missing-header item and the body items come back in one 422.
 */
function parseTriggerRequest(ctx: RequestContext, features: PlatformFeatures): ParsedRequest {
	const decoded = decodeBody(ctx);
	if ('response' in decoded) return { response: decoded.response };
	const items: ValidationItem[] = [];
	const apiKey = ctx.headers['x-api-key'];
	if (apiKey === undefined) items.push(missingItem(['header', 'X-API-Key'], null));
	const validated = validateTriggerBody(decoded.body, features.fromPhoneNumberId);
	items.push(...validated.errors);
	if (items.length > 0 || !validated.value || apiKey === undefined) {
		return { response: validationError(items) };
	}
	return { apiKey, request: validated.value };
}

function decodeBody(ctx: RequestContext): { body: unknown } | { response: SandboxResponse } {
	if (ctx.rawBody.length === 0) return { body: undefined };
	// FastAPI >= 0.132 (strict_content_type) only parses JSON when the request says it is JSON;
	// anything else is validated as raw bytes and fails the model check.
	if (!isJsonContentType(ctx.headers['content-type']))
		return { body: ctx.rawBody.toString('utf8') };
	// Anything but a JSONDecodeError (bad UTF-8, RecursionError) is FastAPI's generic 400.
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(ctx.rawBody);
	} catch {
		return { response: detail(400, 'There was an error parsing the body') };
	}
	const parsed = parsePythonJson(text);
	if (!parsed.ok && parsed.message === undefined) {
		return { response: detail(400, 'There was an error parsing the body') };
	}
	if (!parsed.ok)
		return { response: validationError([jsonInvalidItem(parsed.position, parsed.message)]) };
	return { body: parsed.value };
}

function isJsonContentType(header: string | undefined): boolean {
	if (!header) return false;
	const mediaType = header.split(';')[0].trim().toLowerCase();
	const [main, sub] = mediaType.split('/');
	return main === 'application' && sub !== undefined && (sub === 'json' || sub.endsWith('+json'));
}

function resolveByTriggerPath(
	path: string,
	key: ApiKeyRecord,
	mode: TriggerMode,
): Target | SandboxResponse {
	const trigger = TRIGGERS.find((candidate) => candidate.path === path && candidate.active);
	if (!trigger) return detail(404, 'Agent trigger not found');
	if (trigger.organizationId !== key.organizationId) return detail(403, 'Access denied');
	const agent = AGENTS.find(
		(candidate) =>
			candidate.id === trigger.workflowId && candidate.organizationId === key.organizationId,
	);
	const target = runnableDefinition(agent, mode);
	if ('status' in target) return target;
	if (!target.definition.triggerPaths.includes(path)) {
		return detail(404, 'Trigger not found in the selected Agent');
	}
	return target;
}

function resolveByWorkflowUuid(
	uuid: string,
	key: ApiKeyRecord,
	mode: TriggerMode,
): Target | SandboxResponse {
	const agent = AGENTS.find(
		(candidate) =>
			candidate.workflowUuid === uuid && candidate.organizationId === key.organizationId,
	);
	return runnableDefinition(agent, mode);
}

/** Test routes run the latest draft and fall back to the published definition. */
function runnableDefinition(
	agent: AgentRecord | undefined,
	mode: TriggerMode,
): Target | SandboxResponse {
	if (!agent) return detail(404, 'Workflow not found');
	if (agent.status !== 'active') return detail(404, 'Workflow is not active');
	const definition = mode === 'test' ? (agent.draft ?? agent.published) : agent.published;
	if (!definition) return detail(404, 'Workflow has no published definition');
	return { agent, definition };
}

function resolveTelephony(
	ctx: RequestContext,
	organizationId: number,
	request: TriggerCallRequest,
): Telephony | SandboxResponse {
	const usable =
		ctx.app.options().telephony === 'none'
			? []
			: TELEPHONY_CONFIGS.filter(
					(config) => config.organizationId === organizationId && !config.inactive,
				);
	const config = chooseConfig(usable, request.telephony_configuration_id);
	if ('status' in config) return config;
	return chooseCallerNumber(config, request.from_phone_number_id);
}

function chooseConfig(
	usable: TelephonyConfigRecord[],
	requestedId: number | null,
): TelephonyConfigRecord | SandboxResponse {
	if (requestedId === null) {
		const ready = usable.filter((config) => config.outboundBlockedReason === null);
		const chosen = ready.find((config) => config.isDefaultOutbound) ?? ready[0];
		return chosen ?? detail(400, 'Telephony provider not configured for this organization');
	}
	if (!fitsInt4(requestedId)) return internalServerError();
	const config = usable.find((candidate) => candidate.id === requestedId);
	if (config?.outboundBlockedReason) {
		return detail(
			400,
			`'${config.name}' is not ready for outbound calls. ${config.outboundBlockedReason}`,
		);
	}
	return config ?? detail(404, 'Telephony configuration not found');
}

function chooseCallerNumber(
	config: TelephonyConfigRecord,
	requestedId: number | null,
): Telephony | SandboxResponse {
	if (requestedId !== null && !fitsInt4(requestedId)) return internalServerError();
	const active = config.callerNumbers.filter((number) => number.active);
	const caller =
		requestedId === null ? active[0] : active.find((number) => number.id === requestedId);
	if (!caller) return detail(400, 'from_phone_number_not_found');
	return { config, caller };
}

/**
 * From 1.44 (`api/routes/public_agent.py` + `merge_external_initial_context`): the caller's
 * keys are laid OVER the system keys, except `provider`, `runtime_configuration` and
 * `mps_correlation_id`, which are dropped; `called_number` is set again after the merge.
 * Before: `initial_context.update(caller_context)` over fewer system keys, so even `provider`
 * can be replaced and there is no `direction` or `called_number`. Test routes put the agent's
 * template-context defaults under the result (`run_creation.py`).
 */
function buildInitialContext(
	request: TriggerCallRequest,
	key: ApiKeyRecord,
	agent: AgentRecord,
	telephony: Telephony,
	route: TriggerRoute,
	identifier: string,
	features: PlatformFeatures,
): JsonObject {
	const system: JsonObject = {
		provider: telephony.config.provider,
		...(features.callContextStored ? { direction: 'outbound' } : {}),
		phone_number: request.phone_number,
		trigger_mode: route.mode,
		telephony_configuration_id: telephony.config.id,
		agent_identifier: identifier,
		agent_identifier_type: route.by === 'triggerPath' ? 'trigger_path' : 'workflow_uuid',
		workflow_uuid: agent.workflowUuid,
	};
	if (features.fromPhoneNumberId && request.from_phone_number_id !== null) {
		system.from_phone_number_id = request.from_phone_number_id;
	}
	if (route.by === 'triggerPath') system.agent_uuid = identifier;
	system.api_key_id = key.id;
	if (key.createdBy !== null) system.api_key_created_by = key.createdBy;
	const supplied = request.initial_context ?? {};
	let merged: JsonObject;
	if (features.callContextStored) {
		merged = { ...system };
		for (const [name, value] of Object.entries(supplied)) {
			if (!RESERVED_CONTEXT_KEYS.has(name)) merged[name] = value;
		}
		merged.called_number = request.phone_number;
	} else {
		merged = { ...system, ...supplied };
	}
	const defaults = route.mode === 'test' ? agent.templateContextVariables : {};
	return { ...defaults, ...merged };
}
