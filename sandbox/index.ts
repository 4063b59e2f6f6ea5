export { startSandbox } from './server';
export { SEED } from './data';
export { FAULT_KINDS } from './faults';
export { DEFAULT_OPTIONS } from './types';
export { OUTCOMES, outcomeForPhone, type OutcomeKey } from './outcomes';
export type {
	FaultKind,
	FaultRoute,
	FaultSpec,
	RecordedRequest,
	RunRecord,
	Sandbox,
	SandboxOptions,
} from './types';
