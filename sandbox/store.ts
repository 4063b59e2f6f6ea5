import { randomUUID } from 'node:crypto';

import { blankRun, SEED, seedRuns, type AgentRecord, type Artifact } from './data';
import type { AgentWebhook, JsonObject, RunRecord, RunSource, TriggerMode } from './types';

/** The mutable state: runs, uploaded artifacts, counters and webhook targets. */
export class SandboxStore {
	runs = new Map<number, RunRecord>();
	artifacts = new Map<string, Artifact>();
	readonly webhooks = new Map<number, AgentWebhook>();
	private readonly triggerCounts = new Map<string, number>();
	private readonly dialCounts = new Map<string, number>();
	private nextRunId: number = SEED.firstNewRunId;

	constructor() {
		this.reset();
	}

	reset(): void {
		const seeded = seedRuns(Date.now());
		this.runs = new Map(seeded.runs.map((run) => [run.id, run]));
		this.artifacts = seeded.artifacts;
		this.webhooks.clear();
		this.triggerCounts.clear();
		this.dialCounts.clear();
		this.nextRunId = SEED.firstNewRunId;
	}

	createRun(fields: {
		agent: AgentRecord;
		definitionId: number | null;
		mode: string;
		phone: string;
		triggerMode: TriggerMode;
		initialContext: JsonObject;
		name?: string;
		callType?: RunRecord['call_type'];
		campaignId?: number | null;
		source?: RunSource;
	}): RunRecord {
		const run = blankRun({ ...fields, id: this.nextRunId++, createdAt: new Date() });
		this.runs.set(run.id, run);
		return run;
	}

	findRun(runId: number, organizationId: number): RunRecord | undefined {
		const run = this.runs.get(runId);
		return run?.organization_id === organizationId ? run : undefined;
	}

	findRunByToken(token: string): RunRecord | undefined {
		return [...this.runs.values()].find((run) => run.public_access_token === token);
	}

	runsOfWorkflow(workflowId: number, organizationId: number): RunRecord[] {
		return [...this.runs.values()].filter(
			(run) => run.workflow_id === workflowId && run.organization_id === organizationId,
		);
	}

	hasArtifacts(run: RunRecord): boolean {
		return run.transcript_url !== null || run.recording_url !== null;
	}

	/** Get Run and post-call integrations mint the download token lazily. */
	ensurePublicToken(run: RunRecord): void {
		if (run.public_access_token === null && this.hasArtifacts(run)) {
			run.public_access_token = randomUUID();
		}
	}

	countTrigger(phone: string): void {
		this.triggerCounts.set(phone, (this.triggerCounts.get(phone) ?? 0) + 1);
	}

	countDial(phone: string): void {
		this.dialCounts.set(phone, (this.dialCounts.get(phone) ?? 0) + 1);
	}

	triggerRequests(phone: string): number {
		return this.triggerCounts.get(phone) ?? 0;
	}

	dials(phone: string): number {
		return this.dialCounts.get(phone) ?? 0;
	}

	triggerCountsByPhone(): Record<string, number> {
		return Object.fromEntries(this.triggerCounts);
	}

	dialCountsByPhone(): Record<string, number> {
		return Object.fromEntries(this.dialCounts);
	}
}
