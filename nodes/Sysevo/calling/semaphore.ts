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
