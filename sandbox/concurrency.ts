/**
 * The organisation's concurrent-call counter (`api/services/call_concurrency/`): one slot per
 * live call of any channel, taken before the run exists and given back when the call ends.
 * A slot nobody gives back (no status callback, no pipeline teardown) counts until it is
 * older than the stale timeout.
 */

/** `stale_call_timeout` in `rate_limiter.py`, in simulated seconds. */
export const STALE_SLOT_SECONDS = 1200;

interface Slot {
	organizationId: number;
	acquiredAt: number;
	runId: number | null;
}

export class SlotRegistry {
	private slots: Slot[] = [];
	private peak = 0;

	constructor(private readonly timeScale: () => number) {}

	/** Takes a slot unless the org already holds `limit` (a `limit` of Infinity never refuses). */
	acquire(organizationId: number, limit: number): Slot | undefined {
		if (this.live(organizationId) >= limit) return undefined;
		const slot: Slot = { organizationId, acquiredAt: Date.now(), runId: null };
		this.slots.push(slot);
		this.peak = Math.max(this.peak, this.live(organizationId));
		return slot;
	}

	bind(slot: Slot, runId: number): void {
		slot.runId = runId;
	}

	release(slot: Slot): void {
		this.slots = this.slots.filter((candidate) => candidate !== slot);
	}

	releaseRun(runId: number): void {
		this.slots = this.slots.filter((candidate) => candidate.runId !== runId);
	}

	holds(runId: number): boolean {
		this.expire();
		return this.slots.some((slot) => slot.runId === runId);
	}

	live(organizationId: number): number {
		this.expire();
		return this.slots.filter((slot) => slot.organizationId === organizationId).length;
	}

	/** The most slots one organisation held at once since the last reset. */
	maxLive(): number {
		return this.peak;
	}

	reset(): void {
		this.slots = [];
		this.peak = 0;
	}

	private expire(): void {
		const cutoff = Date.now() - STALE_SLOT_SECONDS * 1000 * this.timeScale();
		this.slots = this.slots.filter((slot) => slot.acquiredAt > cutoff);
	}
}
