import type { IDataObject } from 'n8n-workflow';

import { callSourceOf, isDraftApiCall, sourceKindsOf, type CallSourceChoice } from './callSource';
import { summariseRun, type RunStatus } from './runSummary';

export interface RunFilterSettings {
	outcomes?: RunStatus[];
	/** Comma-separated disposition codes, e.g. "user_hangup, voicemail_detected". */
	dispositions?: string;
	/** Absent: API calls only. Empty: every source. */
	callSources?: CallSourceChoice[];
	/**
	 * API calls placed with Use Draft Version (`WR-TEST-…`) are left out unless this is on, as
	 * they were before Call Sources existed; it has no effect on other sources.
	 */
	includeTestRuns?: boolean;
}

export type RunFilter = (run: IDataObject) => boolean;

function dispositionCodes(text: string | undefined): Set<string> {
	return new Set(
		(text ?? '')
			.split(',')
			.map((code) => code.trim().toLowerCase())
			.filter((code) => code !== ''),
	);
}

/**
 * Whether a run's source is wanted. The source of a run never changes, so the poll cursor asks
 * this before a run ends and stops following runs nobody wants.
 */
export function sourceFilter(settings: RunFilterSettings): RunFilter {
	const kinds = sourceKindsOf(settings.callSources);
	return (run) => {
		const source = callSourceOf(run);
		if (kinds && !kinds.has(source)) return false;
		if (source === 'api' && !settings.includeTestRuns && isDraftApiCall(run)) return false;
		return true;
	};
}

/**
 * Which runs pass the Filters both nodes show: Call Sources, Outcomes and Dispositions. The Sysevo
 * Trigger starts the workflow on the finished runs that pass and skips the others for good; Get
 * Many Runs lists them.
 */
export function runFilter(settings: RunFilterSettings): RunFilter {
	const outcomes = new Set(settings.outcomes ?? []);
	const dispositions = dispositionCodes(settings.dispositions);
	const wantedSource = sourceFilter(settings);
	return (run) => {
		if (!wantedSource(run)) return false;
		const summary = summariseRun(run);
		if (outcomes.size > 0 && !outcomes.has(summary.run_status)) return false;
		if (dispositions.size > 0 && !dispositions.has((summary.disposition ?? '').toLowerCase()))
			return false;
		return true;
	};
}
