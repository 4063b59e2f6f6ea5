import { randomBytes, randomInt } from 'node:crypto';

import type { ForeignRunKind, ForeignRunOptions, JsonObject, RunRecord } from './types';

/**
 * What the platform writes into runs it creates outside the public trigger routes. The name
 * prefix, mode, call type and contexts follow the file that creates each kind:
 * - `editorPhoneTest`: the editor's "test call" (`api/routes/telephony.py`, `WR-TEL-OUT-`),
 *   draft definition plus template-context defaults, no `trigger_mode`, no `triggered_by`;
 * - `webTest`: a browser voice test (`api/routes/workflow.py` create run, UI names it
 *   `WR-<0..9999>`), mode `smallwebrtc` (inbound unless the template sets `direction`) or `webrtc`;
 * - `textChat`: `api/routes/workflow_text_chat.py`, `WR-TEXT-<6 hex>`, mode `textchat`,
 *   `annotations.tester`;
 * - `inbound`: `api/routes/telephony.py`, `WR-TEL-IN-`, `call_type: inbound`, published definition;
 * - `campaign`: `api/services/campaign/campaign_call_dispatcher.py`, `WR-CAMPAIGN-<c>-<q>`,
 *   `campaign_id` set, published definition.
 */
export const FOREIGN_RUN_KINDS: ForeignRunKind[] = [
	'editorPhoneTest',
	'webTest',
	'textChat',
	'inbound',
	'campaign',
];

export interface ForeignAgent {
	workflowUuid: string;
	publishedDefinitionId: number | null;
	draftDefinitionId: number | null;
	templateContextVariables: JsonObject;
}

export interface ForeignRunShape {
	name: string;
	mode: string;
	callType: RunRecord['call_type'];
	definitionId: number | null;
	initialContext: JsonObject;
	gatheredContext: JsonObject;
	annotations: JsonObject | null;
	campaignId: number | null;
	/** Whether the channel holds an org concurrency slot while live (chats do not). */
	takesSlot: boolean;
	/** Whether a telephony provider reports status (and so completion may come before the outcome). */
	telephony: boolean;
	phone: string;
}

export const SEED_CAMPAIGN_ID = 17;
const EXTERNAL_CALLER = '+14155557788';

function eightDigits(): string {
	return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

export function foreignRunShape(
	kind: ForeignRunKind,
	agent: ForeignAgent,
	telephony: { provider: string; configId: number; callerNumber: string; callId: string },
	options: ForeignRunOptions = {},
	queuedRunId = randomInt(1000, 100_000),
): ForeignRunShape {
	const draftId = agent.draftDefinitionId ?? agent.publishedDefinitionId;
	const defaults = agent.templateContextVariables;
	switch (kind) {
		case 'editorPhoneTest': {
			const phone = options.phone ?? '+14155556161';
			return {
				name: `WR-TEL-OUT-${eightDigits()}`,
				mode: telephony.provider,
				callType: 'outbound',
				definitionId: draftId,
				initialContext: {
					...defaults,
					phone_number: phone,
					called_number: phone,
					direction: 'outbound',
					provider: telephony.provider,
					telephony_configuration_id: telephony.configId,
					caller_number: telephony.callerNumber,
				},
				gatheredContext: { provider: telephony.provider, call_id: telephony.callId },
				annotations: null,
				campaignId: null,
				takesSlot: true,
				telephony: true,
				phone,
			};
		}
		case 'webTest': {
			const mode = options.mode ?? 'smallwebrtc';
			const configured = typeof defaults.direction === 'string' ? defaults.direction : '';
			const direction =
				mode === 'smallwebrtc'
					? configured.trim().toLowerCase() === 'outbound'
						? 'outbound'
						: 'inbound'
					: undefined;
			return {
				name: `WR-${randomInt(0, 10_000)}`,
				mode,
				callType: direction === 'inbound' ? 'inbound' : 'outbound',
				definitionId: draftId,
				initialContext: { ...defaults, ...(direction ? { direction } : {}) },
				gatheredContext: {},
				annotations: null,
				campaignId: null,
				takesSlot: true,
				telephony: false,
				phone: '',
			};
		}
		case 'textChat':
			return {
				name: `WR-TEXT-${randomBytes(3).toString('hex').toUpperCase()}`,
				mode: 'textchat',
				callType: 'outbound',
				definitionId: draftId,
				initialContext: { ...defaults },
				gatheredContext: {},
				annotations: { tester: { source: 'workflow_editor', modality: 'text' } },
				campaignId: null,
				takesSlot: false,
				telephony: false,
				phone: '',
			};
		case 'inbound': {
			const phone = options.phone ?? EXTERNAL_CALLER;
			return {
				name: `WR-TEL-IN-${eightDigits()}`,
				mode: telephony.provider,
				callType: 'inbound',
				definitionId: agent.publishedDefinitionId,
				initialContext: {
					caller_number: phone,
					called_number: telephony.callerNumber,
					direction: 'inbound',
					provider: telephony.provider,
					telephony_configuration_id: telephony.configId,
				},
				gatheredContext: { call_id: telephony.callId },
				annotations: null,
				campaignId: null,
				takesSlot: true,
				telephony: true,
				phone,
			};
		}
		case 'campaign': {
			const phone = options.phone ?? '+14155558282';
			// Campaign rows pass through the same reserved-key filter as the public trigger.
			const context = { ...(options.context ?? { customer_name: 'Lee Campaign' }) };
			for (const reserved of ['provider', 'runtime_configuration', 'mps_correlation_id']) {
				delete context[reserved];
			}
			return {
				name: `WR-CAMPAIGN-${SEED_CAMPAIGN_ID}-${queuedRunId}`,
				mode: telephony.provider,
				callType: 'outbound',
				definitionId: agent.publishedDefinitionId,
				initialContext: {
					...context,
					campaign_id: SEED_CAMPAIGN_ID,
					provider: telephony.provider,
					source_uuid: `row-${queuedRunId}`,
					caller_number: telephony.callerNumber,
					called_number: phone,
					direction: 'outbound',
					telephony_configuration_id: telephony.configId,
				},
				gatheredContext: { provider: telephony.provider, call_id: telephony.callId },
				annotations: null,
				campaignId: SEED_CAMPAIGN_ID,
				takesSlot: true,
				telephony: true,
				phone,
			};
		}
	}
}

export function isForeignRunKind(value: unknown): value is ForeignRunKind {
	return typeof value === 'string' && (FOREIGN_RUN_KINDS as string[]).includes(value);
}
