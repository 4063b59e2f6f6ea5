/* eslint-disable @n8n/community-nodes/no-restricted-globals -- the sandbox is a Node server, not part of the published package */

/** Every timer the sandbox starts, so `reset()` and `close()` can cancel them all. */
export class TimerRegistry {
	private readonly pending = new Set<NodeJS.Timeout>();

	after(ms: number, callback: () => void): void {
		const handle = setTimeout(
			() => {
				this.pending.delete(handle);
				callback();
			},
			Math.max(0, ms),
		);
		handle.unref();
		this.pending.add(handle);
	}

	/** Resolves after `ms`; never resolves if the registry is cleared first. */
	sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => this.after(ms, resolve));
	}

	clearAll(): void {
		for (const handle of this.pending) clearTimeout(handle);
		this.pending.clear();
	}
}
