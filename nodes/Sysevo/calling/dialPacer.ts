/**
 * Spaces out dials: each reservation returns how long its caller must wait before dialling.
 * The first wave (`rampCount` dials) is also spread `rampMs` apart even without a configured gap:
 * requests that start together come back together and then wait on each other's processing, a
 * lock-step that repeats in every later wave while the API's response time is steady.
 */
export class DialPacer {
	private nextSlot = 0;
	private reserved = 0;

	constructor(
		private readonly gapMs: number,
		private readonly rampCount = 0,
		private readonly rampMs = 5,
		private readonly now: () => number = Date.now,
	) {}

	reserve(): number {
		const gap = Math.max(this.gapMs, this.reserved < this.rampCount ? this.rampMs : 0);
		this.reserved++;
		if (gap <= 0) return 0;
		const now = this.now();
		const slot = Math.max(now, this.nextSlot);
		this.nextSlot = slot + gap;
		return slot - now;
	}
}
