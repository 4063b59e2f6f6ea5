export { startSandbox } from './server';
export { SEED } from './data';
export { FAULT_KINDS } from './faults';
export { DEFAULT_OPTIONS } from './types';
export { OUTCOMES, outcomeForPhone, type OutcomeKey } from './outcomes';
export { FOREIGN_RUN_KINDS } from './foreign';
export {
	DEFAULT_PLATFORM_VERSION,
	featuresOf,
	PLATFORM_VERSIONS,
	type PlatformFeatures,
	type PlatformVersion,
} from './platform';
export { pythonJsonDumps } from './pyjson';
export { renderTemplate } from './template';
export { DEFAULT_PAYLOAD_TEMPLATE } from './webhooks';
export type {
	AgentWebhook,
	FaultKind,
	ForeignRunKind,
	ForeignRunOptions,
	FaultRoute,
	FaultSpec,
	RecordedRequest,
	RunRecord,
	Sandbox,
	SandboxOptions,
	SandboxStats,
	WebhookAttempt,
	WebhookCredential,
	WebhookDelivery,
} from './types';
