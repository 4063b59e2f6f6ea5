import { randomBytes, randomInt } from 'node:crypto';

import { foreignRunShape } from './foreign';
import {
	buildConversation,
	connectedGatheredContext,
	costInfo,
	notConnectedGatheredContext,
	qaAnnotations,
	realtimeFeedbackEvents,
	transcriptText,
	usageInfo,
	type OutcomeKey,
} from './outcomes';
import type { ForeignRunKind, JsonObject, RunRecord, RunSource, TriggerMode } from './types';

export const SEED = {
	/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- sandbox fixture keys, valid only against this sandbox */
	apiKey: 'sk-sandbox-3f9d2c7a41be4e0f8a6b5c1d9e7f2a40',
	archivedApiKey: 'sk-sandbox-archived-0000000000000000000000',
	otherOrgApiKey: 'sk-sandbox-otherorg-5e6f7a8b9c0d1e2f3a4b5c6d',
	/** Its creator was deleted: /workflow/* answer 401, the trigger routes still work. */
	ownerlessApiKey: 'sk-sandbox-ownerless-7c1d2e3f4a5b6c7d8e9f0a1b',
	/* eslint-enable @n8n/community-nodes/no-hardcoded-secrets */
	organizationId: 1,
	otherOrganizationId: 2,
	agents: {
		renewal: {
			id: 312,
			name: 'Renewal reminder',
			workflowUuid: '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60',
			triggerPath: '5d1e7c3a-2b4f-4e8a-9c1d-0a2b3c4d5e6f',
		},
		appointment: {
			id: 313,
			name: 'Appointment confirmation',
			workflowUuid: '1c7a0d2f-8b3e-4a1f-8b66-2d3c4e5f6071',
			triggerPath: 'appointment-confirm',
			draftOnlyTriggerPath: 'appointment-draft-only',
		},
		leadQualifier: {
			id: 314,
			name: 'Lead qualifier',
			workflowUuid: '2d8b1e3a-9c4f-4b2a-9c77-3e4f5a6b7c82',
			triggerPath: 'lead-qualifier',
		},
		archived: {
			id: 315,
			name: 'Old campaign',
			workflowUuid: '3e9c2f4b-ad5a-4c3b-8d88-4f5a6b7c8d93',
			triggerPath: 'old-campaign',
		},
		noOwner: {
			id: 316,
			name: 'Unowned agent',
			workflowUuid: '4fad3a5c-be6b-4d4c-9e99-5a6b7c8d9ea4',
			triggerPath: 'unowned-agent',
		},
	},
	otherOrgAgent: {
		id: 401,
		name: 'Other org agent',
		workflowUuid: '5abe4b6d-cf7c-4e5d-8faa-6b7c8d9eafb5',
		triggerPath: 'other-org-trigger',
	},
	telephonyConfigs: {
		twilioMain: { id: 7, name: 'Twilio main' },
		vonageBackup: { id: 8, name: 'Vonage backup' },
		inactivePlivo: { id: 9, name: 'Plivo (old)' },
	},
	callerNumbers: {
		main: { id: 71, number: '+14155550100' },
		second: { id: 72, number: '+14155550101' },
	},
	/** Seeded historical runs of agent 312 (and one of another org). */
	runs: {
		answered: 48190,
		busy: 48191,
		noAnswer: 48192,
		voicemail: 48193,
		failedBeforeStart: 48194,
		answeredOlder: 48195,
		stuckInProgress: 48196,
		appointmentAnswered: 48197,
		/** Runs of agent 312 that nobody placed through the API. */
		editorPhoneTest: 48198,
		webTest: 48199,
		textChat: 48200,
		inbound: 48201,
		campaign: 48202,
		otherOrg: 48150,
	},
	firstNewRunId: 48213,
} as const;

export interface ApiKeyRecord {
	id: number;
	key: string;
	organizationId: number;
	createdBy: number | null;
	archived: boolean;
}

export interface DefinitionRecord {
	id: number;
	triggerPaths: string[];
	versionNumber: number;
}

export interface AgentRecord {
	id: number;
	organizationId: number;
	name: string;
	status: 'active' | 'archived';
	createdAt: string;
	workflowUuid: string;
	userId: number | null;
	published: DefinitionRecord | null;
	draft: DefinitionRecord | null;
	templateContextVariables: JsonObject;
	/** The agent's "end timestamps in transcripts" setting (`[start -> end]` lines). */
	transcriptEndTimestamps: boolean;
}

export interface TriggerRecord {
	path: string;
	workflowId: number;
	organizationId: number;
	active: boolean;
}

export interface CallerNumberRecord {
	id: number;
	number: string;
	active: boolean;
}

export interface TelephonyConfigRecord {
	id: number;
	organizationId: number;
	name: string;
	provider: string;
	isDefaultOutbound: boolean;
	inactive: boolean;
	inactiveReason: string | null;
	outboundBlockedReason: string | null;
	callerNumbers: CallerNumberRecord[];
	createdAt: string;
}

export interface Artifact {
	contentType: string;
	body: Buffer;
}

const ORG1_USER = 5;
/** The users that exist; an API key's creator may have been deleted since (user 6). */
const USERS = new Set([ORG1_USER, 9]);

export const API_KEYS: ApiKeyRecord[] = [
	{ id: 21, key: SEED.apiKey, organizationId: 1, createdBy: ORG1_USER, archived: false },
	{ id: 22, key: SEED.archivedApiKey, organizationId: 1, createdBy: ORG1_USER, archived: true },
	{ id: 31, key: SEED.otherOrgApiKey, organizationId: 2, createdBy: 9, archived: false },
	{ id: 23, key: SEED.ownerlessApiKey, organizationId: 1, createdBy: 6, archived: false },
];

export const AGENTS: AgentRecord[] = [
	{
		...pickAgent(SEED.agents.renewal),
		organizationId: 1,
		status: 'active',
		createdAt: '2026-05-02T09:12:44Z',
		userId: ORG1_USER,
		published: { id: 977, triggerPaths: [SEED.agents.renewal.triggerPath], versionNumber: 3 },
		draft: null,
		templateContextVariables: { greeting_name: 'there', company_name: 'Sysevo Insurance' },
		transcriptEndTimestamps: false,
	},
	{
		...pickAgent(SEED.agents.appointment),
		organizationId: 1,
		status: 'active',
		createdAt: '2026-05-10T15:40:02Z',
		userId: ORG1_USER,
		published: { id: 981, triggerPaths: [SEED.agents.appointment.triggerPath], versionNumber: 2 },
		draft: {
			id: 990,
			triggerPaths: [
				SEED.agents.appointment.triggerPath,
				SEED.agents.appointment.draftOnlyTriggerPath,
			],
			versionNumber: 3,
		},
		templateContextVariables: { greeting_name: 'there', appointment_time: 'tomorrow at 10 am' },
		transcriptEndTimestamps: true,
	},
	{
		...pickAgent(SEED.agents.leadQualifier),
		organizationId: 1,
		status: 'active',
		createdAt: '2026-06-01T08:00:00Z',
		userId: ORG1_USER,
		published: null,
		draft: { id: 995, triggerPaths: [SEED.agents.leadQualifier.triggerPath], versionNumber: 1 },
		templateContextVariables: { greeting_name: 'there' },
		transcriptEndTimestamps: false,
	},
	{
		...pickAgent(SEED.agents.archived),
		organizationId: 1,
		status: 'archived',
		createdAt: '2026-03-14T11:20:00Z',
		userId: ORG1_USER,
		published: { id: 960, triggerPaths: [SEED.agents.archived.triggerPath], versionNumber: 5 },
		draft: null,
		templateContextVariables: {},
		transcriptEndTimestamps: false,
	},
	{
		...pickAgent(SEED.agents.noOwner),
		organizationId: 1,
		status: 'active',
		createdAt: '2026-06-12T17:05:31Z',
		userId: null,
		published: { id: 970, triggerPaths: [SEED.agents.noOwner.triggerPath], versionNumber: 1 },
		draft: null,
		templateContextVariables: {},
		transcriptEndTimestamps: false,
	},
	{
		...pickAgent(SEED.otherOrgAgent),
		organizationId: 2,
		status: 'active',
		createdAt: '2026-04-22T10:00:00Z',
		userId: 9,
		published: { id: 1001, triggerPaths: [SEED.otherOrgAgent.triggerPath], versionNumber: 1 },
		draft: null,
		templateContextVariables: {},
		transcriptEndTimestamps: false,
	},
];

/** Every trigger path a definition ever had; archived agents' triggers are deactivated. */
export const TRIGGERS: TriggerRecord[] = AGENTS.flatMap((agent) => {
	const paths = new Set([
		...(agent.published?.triggerPaths ?? []),
		...(agent.draft?.triggerPaths ?? []),
	]);
	return [...paths].map((path) => ({
		path,
		workflowId: agent.id,
		organizationId: agent.organizationId,
		active: agent.status === 'active',
	}));
});

export const TELEPHONY_CONFIGS: TelephonyConfigRecord[] = [
	{
		id: 7,
		organizationId: 1,
		name: 'Twilio main',
		provider: 'twilio',
		isDefaultOutbound: true,
		inactive: false,
		inactiveReason: null,
		outboundBlockedReason: null,
		callerNumbers: [
			{ ...SEED.callerNumbers.main, active: true },
			{ ...SEED.callerNumbers.second, active: true },
		],
		createdAt: '2026-04-30T12:00:00Z',
	},
	{
		id: 8,
		organizationId: 1,
		name: 'Vonage backup',
		provider: 'vonage',
		isDefaultOutbound: false,
		inactive: false,
		inactiveReason: null,
		outboundBlockedReason: 'No phone numbers are configured.',
		callerNumbers: [],
		createdAt: '2026-05-20T12:00:00Z',
	},
	{
		id: 9,
		organizationId: 1,
		name: 'Plivo (old)',
		provider: 'plivo',
		isDefaultOutbound: false,
		inactive: true,
		inactiveReason: 'Credentials were rejected by the provider',
		outboundBlockedReason: null,
		callerNumbers: [{ id: 91, number: '+14155550199', active: true }],
		createdAt: '2026-02-01T12:00:00Z',
	},
	{
		id: 20,
		organizationId: 2,
		name: 'Other org Twilio',
		provider: 'twilio',
		isDefaultOutbound: true,
		inactive: false,
		inactiveReason: null,
		outboundBlockedReason: null,
		callerNumbers: [{ id: 201, number: '+442071838750', active: true }],
		createdAt: '2026-04-22T10:00:00Z',
	},
];

function pickAgent(seed: { id: number; name: string; workflowUuid: string }) {
	return { id: seed.id, name: seed.name, workflowUuid: seed.workflowUuid };
}

export function userExists(id: number): boolean {
	return USERS.has(id);
}

export function findApiKey(value: string): ApiKeyRecord | undefined {
	return API_KEYS.find((key) => key.key === value && !key.archived);
}

export function findAgent(workflowId: number): AgentRecord | undefined {
	return AGENTS.find((agent) => agent.id === workflowId);
}

export function agentsOfOrganization(organizationId: number): AgentRecord[] {
	return AGENTS.filter((agent) => agent.organizationId === organizationId);
}

export function newCallId(): string {
	return `CA${randomBytes(16).toString('hex')}`;
}

export function newRunName(mode: TriggerMode): string {
	return `WR-${mode === 'test' ? 'TEST' : 'API'}-${randomInt(1000, 10000)}`;
}

/** pydantic v2 prints UTC datetimes with microseconds and a `Z`. */
export function isoMicros(date: Date): string {
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function artifactKeys(runId: number) {
	return {
		transcript: `transcripts/${runId}.txt`,
		recording: `recordings/${runId}.wav`,
		user: `recordings/${runId}/user.wav`,
		bot: `recordings/${runId}/bot.wav`,
	};
}

/** A tiny valid WAV file (silence), standing in for every recording. */
export function silentWav(seconds = 0.1): Buffer {
	const sampleRate = 8000;
	const samples = Math.round(sampleRate * seconds);
	const buffer = Buffer.alloc(44 + samples * 2);
	buffer.write('RIFF', 0);
	buffer.writeUInt32LE(36 + samples * 2, 4);
	buffer.write('WAVEfmt ', 8);
	buffer.writeUInt32LE(16, 16);
	buffer.writeUInt16LE(1, 20);
	buffer.writeUInt16LE(1, 22);
	buffer.writeUInt32LE(sampleRate, 24);
	buffer.writeUInt32LE(sampleRate * 2, 28);
	buffer.writeUInt16LE(2, 32);
	buffer.writeUInt16LE(16, 34);
	buffer.write('data', 36);
	buffer.writeUInt32LE(samples * 2, 40);
	return buffer;
}

export function blankRun(fields: {
	id: number;
	agent: AgentRecord;
	definitionId: number | null;
	mode: string;
	createdAt: Date;
	phone: string;
	triggerMode: TriggerMode;
	initialContext: JsonObject;
	name?: string;
	callType?: RunRecord['call_type'];
	campaignId?: number | null;
	source?: RunSource;
}): RunRecord {
	return {
		id: fields.id,
		workflow_id: fields.agent.id,
		organization_id: fields.agent.organizationId,
		name: fields.name ?? newRunName(fields.triggerMode),
		mode: fields.mode,
		created_at: isoMicros(fields.createdAt),
		is_completed: false,
		transcript_url: null,
		recording_url: null,
		user_recording_url: null,
		bot_recording_url: null,
		public_access_token: null,
		cost_info: null,
		usage_info: null,
		definition_id: fields.definitionId,
		initial_context: fields.initialContext,
		gathered_context: {},
		call_type: fields.callType ?? 'outbound',
		logs: null,
		annotations: null,
		campaign_id: fields.campaignId ?? null,
		source: fields.source ?? 'api',
		phone_number: fields.phone,
		trigger_mode: fields.triggerMode,
		duration_seconds: null,
	};
}

interface SeedRunSpec {
	id: number;
	workflowId: number;
	outcome: OutcomeKey | 'stuck';
	hoursAgo: number;
	phone: string;
	context: JsonObject;
	durationSeconds: number;
	/** A run from another channel; API runs when absent. */
	foreign?: ForeignRunKind;
}

const SEED_RUNS: SeedRunSpec[] = [
	{
		id: SEED.runs.answered,
		workflowId: 312,
		outcome: 'answered',
		hoursAgo: 2,
		phone: '+14155552671',
		context: { customer_name: 'Jane Smith' },
		durationSeconds: 94,
	},
	{
		id: SEED.runs.busy,
		workflowId: 312,
		outcome: 'busy',
		hoursAgo: 5,
		phone: '+14155550001',
		context: {},
		durationSeconds: 0,
	},
	{
		id: SEED.runs.noAnswer,
		workflowId: 312,
		outcome: 'noAnswer',
		hoursAgo: 8,
		phone: '+14155550002',
		context: {},
		durationSeconds: 0,
	},
	{
		id: SEED.runs.voicemail,
		workflowId: 312,
		outcome: 'voicemail',
		hoursAgo: 26,
		phone: '+14155550003',
		context: { customer_name: 'Sam Lee' },
		durationSeconds: 31,
	},
	{
		id: SEED.runs.failedBeforeStart,
		workflowId: 312,
		outcome: 'failedBeforeStart',
		hoursAgo: 30,
		phone: '+14155550004',
		context: {},
		durationSeconds: 0,
	},
	{
		id: SEED.runs.answeredOlder,
		workflowId: 312,
		outcome: 'answered',
		hoursAgo: 72,
		phone: '+14155559876',
		context: { customer_name: 'Ana Ruiz' },
		durationSeconds: 187,
	},
	{
		id: SEED.runs.stuckInProgress,
		workflowId: 312,
		outcome: 'stuck',
		hoursAgo: 96,
		phone: '+14155550009',
		context: {},
		durationSeconds: 0,
	},
	{
		id: SEED.runs.appointmentAnswered,
		workflowId: 313,
		outcome: 'answered',
		hoursAgo: 4,
		phone: '+14155553434',
		context: { customer_name: 'Omar Haddad' },
		durationSeconds: 58,
	},
	...(
		[
			['editorPhoneTest', 3],
			['webTest', 6],
			['textChat', 7],
			['inbound', 10],
			['campaign', 14],
		] as Array<[ForeignRunKind, number]>
	).map(
		([kind, hoursAgo]): SeedRunSpec => ({
			id: SEED.runs[kind],
			workflowId: 312,
			outcome: 'answered',
			hoursAgo,
			phone: '',
			context: {},
			durationSeconds: 45,
			foreign: kind,
		}),
	),
	{
		id: SEED.runs.otherOrg,
		workflowId: 401,
		outcome: 'answered',
		hoursAgo: 6,
		phone: '+442071838000',
		context: {},
		durationSeconds: 40,
	},
];

export interface SeedResult {
	runs: RunRecord[];
	artifacts: Map<string, Artifact>;
}

/** Historical runs in their final state (artifacts uploaded, no public token yet). */
export function seedRuns(now: number): SeedResult {
	const artifacts = new Map<string, Artifact>();
	const runs = SEED_RUNS.map((spec) => seedRun(spec, now, artifacts));
	return { runs, artifacts };
}

/** The system keys the public trigger writes (HEAD) for a production call by workflow UUID. */
function apiInitialContext(agent: AgentRecord, phone: string): JsonObject {
	return {
		provider: 'twilio',
		direction: 'outbound',
		phone_number: phone,
		trigger_mode: 'production',
		telephony_configuration_id: 7,
		agent_identifier: agent.workflowUuid,
		agent_identifier_type: 'workflow_uuid',
		workflow_uuid: agent.workflowUuid,
		api_key_id: 21,
		api_key_created_by: ORG1_USER,
	};
}

export function foreignAgentOf(agent: AgentRecord) {
	return {
		workflowUuid: agent.workflowUuid,
		publishedDefinitionId: agent.published?.id ?? null,
		draftDefinitionId: agent.draft?.id ?? null,
		templateContextVariables: agent.templateContextVariables,
	};
}

function seedRun(spec: SeedRunSpec, now: number, artifacts: Map<string, Artifact>): RunRecord {
	const agent = findAgent(spec.workflowId) as AgentRecord;
	const createdAt = now - spec.hoursAgo * 3_600_000;
	const callId = newCallId();
	let run: RunRecord;
	if (spec.foreign) {
		const shape = foreignRunShape(spec.foreign, foreignAgentOf(agent), {
			provider: 'twilio',
			configId: 7,
			callerNumber: SEED.callerNumbers.main.number,
			callId,
		});
		run = blankRun({
			id: spec.id,
			agent,
			definitionId: shape.definitionId,
			mode: shape.mode,
			createdAt: new Date(createdAt),
			phone: shape.phone,
			triggerMode: 'production',
			initialContext: shape.initialContext,
			name: shape.name,
			callType: shape.callType,
			campaignId: shape.campaignId,
			source: spec.foreign,
		});
		run.gathered_context = shape.gatheredContext;
		run.annotations = shape.annotations;
	} else {
		run = blankRun({
			id: spec.id,
			agent,
			definitionId: agent.published?.id ?? null,
			mode: 'twilio',
			createdAt: new Date(createdAt),
			phone: spec.phone,
			triggerMode: 'production',
			initialContext: {
				...apiInitialContext(agent, spec.phone),
				...spec.context,
				called_number: spec.phone,
				caller_number: SEED.callerNumbers.main.number,
			},
		});
		run.gathered_context = { provider: 'twilio', triggered_by: 'api', call_id: callId };
	}
	if (spec.outcome === 'stuck') {
		run.logs = {
			telephony_status_callbacks: [
				{
					status: 'initiated',
					timestamp: isoMicros(new Date(createdAt)),
					call_id: callId,
					duration: null,
				},
			],
		};
		return run;
	}
	run.is_completed = true;
	if (
		spec.outcome === 'busy' ||
		spec.outcome === 'noAnswer' ||
		spec.outcome === 'failedBeforeStart'
	) {
		const status =
			spec.outcome === 'busy' ? 'busy' : spec.outcome === 'noAnswer' ? 'no-answer' : 'failed';
		run.gathered_context = notConnectedGatheredContext(run.gathered_context, status, callId, true);
		run.usage_info = { call_duration_seconds: 0 };
		return run;
	}
	const answeredAt = createdAt + 4000;
	const endedAt = answeredAt + spec.durationSeconds * 1000;
	const turns = buildConversation(spec.outcome, run.initial_context, answeredAt, endedAt);
	run.gathered_context = connectedGatheredContext(run.gathered_context ?? {}, spec.outcome);
	run.usage_info = usageInfo(spec.durationSeconds);
	run.cost_info = costInfo(spec.durationSeconds);
	run.duration_seconds = spec.durationSeconds;
	const events = realtimeFeedbackEvents(turns);
	run.logs = { realtime_feedback_events: events };
	run.annotations = { ...(run.annotations ?? {}), ...qaAnnotations(spec.outcome) };
	if (run.mode === 'textchat') return run;
	const keys = artifactKeys(run.id);
	run.transcript_url = keys.transcript;
	run.recording_url = keys.recording;
	run.user_recording_url = keys.user;
	run.bot_recording_url = keys.bot;
	artifacts.set(keys.transcript, {
		contentType: 'text/plain; charset=utf-8',
		body: Buffer.from(transcriptText(events, agent.transcriptEndTimestamps)),
	});
	for (const key of [keys.recording, keys.user, keys.bot]) {
		artifacts.set(key, { contentType: 'audio/wav', body: silentWav() });
	}
	return run;
}

/** Ids reach Postgres `int4` columns; anything larger makes asyncpg fail, which is a 500. */
export function fitsInt4(value: number): boolean {
	return value >= -2147483648 && value <= 2147483647;
}
