import type { IDataObject } from 'n8n-workflow';

import { summariseRun, type RunStatus } from '../Sysevo/helpers/runSummary';

export interface RunFilterSettings {
	outcomes?: RunStatus[];
	/** Comma-separated disposition codes, e.g. "user_hangup, voicemail_detected". */
	dispositions?: string;
	includeTestRuns?: boolean;
}

export type RunFilter = (run: IDataObject) => boolean;

function dispositionList(text: string | undefined): Set<string> {
	return new Set(
		(text ?? '')
			.split(',')
			.map((code) => code.trim().toLowerCase())
			.filter((code) => code !== ''),
	);
}

/** Runs started on the draft (`/test/`) routes: named WR-TEST-…, or marked in the initial context. */
export function isTestRun(run: IDataObject): boolean {
	const context = (run.initial_context ?? {}) as IDataObject;
	return (
		context.trigger_mode === 'test' ||
		(typeof run.name === 'string' && run.name.startsWith('WR-TEST-'))
	);
}

/** Decides which finished runs start the workflow; the others are skipped for good. */
export function runFilter(settings: RunFilterSettings): RunFilter {
	const outcomes = new Set(settings.outcomes ?? []);
	const dispositions = dispositionList(settings.dispositions);
	return (run) => {
		if (!settings.includeTestRuns && isTestRun(run)) return false;
		const summary = summariseRun(run);
		if (outcomes.size > 0 && !outcomes.has(summary.run_status)) return false;
		if (dispositions.size > 0 && !dispositions.has((summary.disposition ?? '').toLowerCase()))
			return false;
		return true;
	};
}
