type Waiter = { resolve: (release: () => void) => void; reject: (error: Error) => void };

/** Counts live calls. Waiters are served in arrival order; closing rejects every waiter. */
export class Semaphore {
	private available: number;
	private readonly waiters: Waiter[] = [];
	private closedWith?: Error;

	constructor(limit: number) {
		this.available = Math.max(1, Math.floor(limit) || 1);
	}

	async acquire(): Promise<() => void> {
		if (this.closedWith) throw this.closedWith;
		if (this.available > 0) {
			this.available--;
			return this.releaser();
		}
		return await new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
	}

	close(reason: Error): void {
		this.closedWith ??= reason;
		for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
	}

	private releaser(): () => void {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiters.shift();
			if (next) next.resolve(this.releaser());
			else this.available++;
		};
	}
}

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
