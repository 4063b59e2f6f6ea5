/** One item's wait for a live call to end, and how to leave that wait. */
export interface CallEndWait {
	ended: Promise<void>;
	/** Leaves the queue (the item stopped waiting for another reason); a wake already given is kept. */
	cancel(): void;
}

const waiting: Array<() => void> = [];

/**
 * Items of every execution in this n8n process that Sysevo refused at the organisation's
 * concurrent-call cap (429), waiting for a live call to end. The cap is shared by all of them
 * (docs/sysevo-api.md §6.7): a call ending in one execution frees a place an item of another may
 * take, and without this that item would sleep out its back-off (up to 3 s) while the place stays
 * empty. Each call end wakes the one item that has waited longest; waking every one would only
 * have the rest refused again.
 */
export function nextCallEnd(): CallEndWait {
	let wake = () => {};
	const ended = new Promise<void>((resolve) => (wake = resolve));
	waiting.push(wake);
	return {
		ended,
		cancel: () => {
			const at = waiting.indexOf(wake);
			if (at >= 0) waiting.splice(at, 1);
		},
	};
}

/** A live call of this process ended (or its slot came free): the longest waiting item tries again. */
export function announceCallEnd(): void {
	waiting.shift()?.();
}
