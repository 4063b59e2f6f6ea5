import type { IDataObject } from 'n8n-workflow';

import { TRANSCRIPT_GRACE_MS } from '../../shared/defaults';
import { outcomeSettled, runStatusOf, wasAnswered } from '../../shared/helpers/runSummary';

/**
 * Where polling stands for one agent. Runs finish in a different order than they start, and the
 * API exposes no completion time, so the position is a `created_at` watermark plus two id sets:
 * - `since`: every run created before it was already looked at (a null means "from the start");
 * - `handled`: completed runs at or after `since` that were already emitted or filtered out, so
 *   the overlap window below never emits them twice;
 * - `open`: runs seen in progress (or waiting for their transcript), re-checked until they end,
 *   whatever `since` has moved on to.
 * Values are `created_at` strings, so the whole cursor survives n8n's JSON static data.
 */
export interface AgentCursor {
	since: string | null;
	handled: Record<string, string>;
	open: Record<string, string>;
	/** Completed, connected runs held back until their transcript is uploaded: first-seen time (ms). */
	transcriptWait: Record<string, number>;
	/**
	 * Completed runs whose outcome is not written yet (docs/sysevo-api.md §6.3): first-seen time
	 * (ms). Absent in cursors stored by earlier versions.
	 */
	settleWait?: Record<string, number>;
}

export interface RunListItem extends IDataObject {
	id: number;
	created_at: string;
	is_completed: boolean;
}

/**
 * The list is sorted by `created_at`, but a run is written a moment after its `created_at` is
 * taken, so a run may appear below one already listed. The watermark trails the newest run seen
 * by this margin, and `handled` stops the overlap from emitting anything twice.
 */
export const OVERLAP_MS = 2 * 60_000;

/** Older builds leave some runs in progress forever; they are given up after this long. */
export const MAX_OPEN_AGE_MS = 6 * 3_600_000;

const MAX_OPEN_RUNS = 500;

export function emptyCursor(since: string | null): AgentCursor {
	return { since, handled: {}, open: {}, transcriptWait: {}, settleWait: {} };
}

export function isoTime(ms: number): string {
	// `+00:00` rather than `Z`: the API parses filter dates with Python's datetime.fromisoformat.
	return new Date(ms).toISOString().replace('Z', '+00:00');
}

function timeOf(iso: string | null | undefined): number {
	const ms = iso ? Date.parse(iso) : Number.NaN;
	return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

export interface CursorSettings {
	includeTranscript: boolean;
	/** How long a completed run may wait for its outcome before it is emitted without one. */
	outcomeSettleMs: number;
	now: number;
	/**
	 * Whether a run is of interest at all (its source: helpers/callSource.ts). Runs that are not
	 * count as handled when first seen, so they are neither followed nor fetched again.
	 */
	follows?: (run: RunListItem) => boolean;
}

/**
 * Builds the next cursor from what one poll saw. Nothing here touches the stored cursor: the
 * poll commits the result only once every request of the poll has succeeded.
 */
export class CursorUpdate {
	private readonly next: AgentCursor;
	private newestSeen = Number.NEGATIVE_INFINITY;
	private readonly finished: RunListItem[] = [];

	constructor(
		previous: AgentCursor,
		private readonly settings: CursorSettings,
	) {
		this.next = {
			since: previous.since,
			handled: { ...previous.handled },
			open: { ...previous.open },
			transcriptWait: { ...previous.transcriptWait },
			settleWait: { ...previous.settleWait },
		};
	}

	/** Open runs the list (which starts at `since`) does not cover: fetched one by one. */
	static openRunsBefore(cursor: AgentCursor, listedIds: Set<number>): number[] {
		return Object.keys(cursor.open)
			.map(Number)
			.filter((id) => !listedIds.has(id));
	}

	/** A run from the list or from Get Run. Returns true when it has just finished. */
	observe(run: RunListItem, fromList: boolean): boolean {
		const key = String(run.id);
		if (fromList) this.newestSeen = Math.max(this.newestSeen, timeOf(run.created_at));
		if (key in this.next.handled) {
			delete this.next.open[key];
			return false;
		}
		if (this.settings.follows && !this.settings.follows(run)) {
			this.next.handled[key] = run.created_at;
			this.forget(run.id);
			return false;
		}
		if (!run.is_completed || this.waitsForOutcome(run, key) || this.waitsForTranscript(run, key)) {
			this.next.open[key] = run.created_at;
			return false;
		}
		this.next.handled[key] = run.created_at;
		delete this.next.open[key];
		delete this.next.transcriptWait[key];
		delete this.next.settleWait?.[key];
		this.finished.push(run);
		return true;
	}

	/** Runs observed as finished, in the order they were observed. */
	get finishedRuns(): RunListItem[] {
		return this.finished;
	}

	forget(runId: number): void {
		delete this.next.open[String(runId)];
		delete this.next.transcriptWait[String(runId)];
		delete this.next.settleWait?.[String(runId)];
	}

	/** Advances the watermark and prunes what can no longer be listed or is given up on. */
	result(): AgentCursor {
		const since = timeOf(this.next.since);
		const advanced = Math.max(since, this.newestSeen - OVERLAP_MS);
		if (advanced > since) this.next.since = isoTime(advanced);
		for (const [key, createdAt] of Object.entries(this.next.handled)) {
			if (timeOf(createdAt) < advanced) delete this.next.handled[key];
		}
		const giveUpBefore = this.settings.now - MAX_OPEN_AGE_MS;
		const open = Object.entries(this.next.open).sort(([, a], [, b]) => timeOf(b) - timeOf(a));
		for (const [index, [key, createdAt]] of open.entries()) {
			if (index >= MAX_OPEN_RUNS || timeOf(createdAt) < giveUpBefore) this.forget(Number(key));
		}
		return this.next;
	}

	private waitsForOutcome(run: RunListItem, key: string): boolean {
		if (outcomeSettled(run)) return false;
		const waits = (this.next.settleWait ??= {});
		const firstSeen = waits[key] ?? this.settings.now;
		if (this.settings.now - firstSeen >= this.settings.outcomeSettleMs) return false;
		waits[key] = firstSeen;
		return true;
	}

	private waitsForTranscript(run: RunListItem, key: string): boolean {
		if (!this.settings.includeTranscript || run.transcript_url || !wasAnswered(runStatusOf(run)))
			return false;
		const firstSeen = this.next.transcriptWait[key] ?? this.settings.now;
		if (this.settings.now - firstSeen >= TRANSCRIPT_GRACE_MS) return false;
		this.next.transcriptWait[key] = firstSeen;
		return true;
	}
}

/** Where runs come from: the list-runs route and Get Run in the node, a model in tests. */
export interface RunSource {
	/** Every run created at or after `since` (all runs for null), oldest first. */
	listSince(since: string | null): Promise<RunListItem[]>;
	/** Runs still in progress created at or after `since`. */
	listRunning(since: string): Promise<RunListItem[]>;
	newest(): Promise<RunListItem | undefined>;
	/** One run, or null when it no longer exists. */
	fetch(runId: number): Promise<RunListItem | null>;
}

export interface CursorStep {
	cursor: AgentCursor;
	finished: RunListItem[];
}

/** One poll of one agent: the runs that finished since the cursor, and the cursor after them. */
export async function advanceCursor(
	source: RunSource,
	cursor: AgentCursor,
	settings: CursorSettings,
): Promise<CursorStep> {
	const listed = await source.listSince(cursor.since);
	const update = new CursorUpdate(cursor, settings);
	for (const runId of CursorUpdate.openRunsBefore(cursor, new Set(listed.map((run) => run.id)))) {
		const run = await source.fetch(runId);
		if (run) update.observe(run, false);
		else update.forget(runId);
	}
	for (const run of listed) update.observe(run, true);
	return { cursor: update.result(), finished: update.finishedRuns };
}

/**
 * The first poll of an agent records where things stand without emitting anything: finished runs
 * count as handled, running ones are followed until they end.
 */
export async function startingCursor(
	source: RunSource,
	now: number,
	follows?: CursorSettings['follows'],
): Promise<AgentCursor> {
	const newest = await source.newest();
	if (!newest) return emptyCursor(null);
	const running = await source.listRunning(isoTime(now - MAX_OPEN_AGE_MS));
	const newestMs = Date.parse(newest.created_at);
	const since = isoTime((Number.isNaN(newestMs) ? now : newestMs) - OVERLAP_MS);
	const recent = await source.listSince(since);
	const update = new CursorUpdate(emptyCursor(since), {
		includeTranscript: false,
		outcomeSettleMs: 0,
		now,
		follows,
	});
	for (const run of running) update.observe(run, false);
	for (const run of recent) update.observe(run, true);
	return update.result();
}
