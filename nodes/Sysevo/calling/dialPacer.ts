/** Spacing between the first wave's dials, before any answer has come back. */
const FIRST_WAVE_GAP_MS = 5;
/** The most the node spaces dials on its own (Delay Between Calls may ask for more). */
const MAX_SPREAD_MS = 5;
/** Gaps below a timer's resolution are not worth a timer. */
const MIN_SPREAD_MS = 1;

/**
 * Spaces out dials: each reservation returns how long its caller must wait before dialling.
 *
 * Besides the configured gap, dials are kept a little apart on their own: requests that go out
 * together come back together, and each then waits for the others' answers to be handled and their
 * next dials' connections to be set up (n8n's request helper opens a new connection per request), a
 * lock-step that repeats in every later wave while the API's response time is steady. The first
 * wave (`slotCount` dials) is spread `FIRST_WAVE_GAP_MS` apart; after that dials are at least a
 * quarter of an answer's time ÷ the slots apart, up to `MAX_SPREAD_MS`, so a spread dial rate stays
 * four times what the slots allow. An API that answers at once gets no spacing (docs/performance.md).
 */
export class DialPacer {
	private nextSlot = 0;
	private reserved = 0;
	private answerMs = 0;

	constructor(
		private readonly gapMs: number,
		private readonly slotCount = 0,
		private readonly now: () => number = Date.now,
	) {}

	reserve(): number {
		const spread = this.reserved < this.slotCount ? FIRST_WAVE_GAP_MS : this.spreadMs();
		const gap = Math.max(this.gapMs, spread);
		this.reserved++;
		if (gap <= 0) return 0;
		const now = this.now();
		const slot = Math.max(now, this.nextSlot);
		this.nextSlot = slot + gap;
		return slot - now;
	}

	/** A trigger was answered `ms` after it was sent (a moving average of the last few). */
	answered(ms: number): void {
		this.answerMs = this.answerMs === 0 ? ms : 0.8 * this.answerMs + 0.2 * ms;
	}

	private spreadMs(): number {
		const spread = this.answerMs / (4 * Math.max(1, this.slotCount));
		return spread < MIN_SPREAD_MS ? 0 : Math.min(spread, MAX_SPREAD_MS);
	}
}
