/** One item's wait for a live call to end, and how to leave that wait. */
export interface CallEndWait {
	ended: Promise<void>;
	/** Leaves the queue (the item stopped waiting for another reason); a wake already given is kept. */
	cancel(): void;
}

/** Waiting items by the Sysevo credential they call with: one queue per organisation's cap. */
const queues = new Map<string, Array<() => void>>();

/**
 * Items of every execution in this n8n process that Sysevo refused at the organisation's
 * concurrent-call cap (429), waiting for a live call to end. The cap is shared by all of them
 * (docs/sysevo-api.md §6.7): a call ending in one execution frees a place an item of another may
 * take, and without this that item would sleep out its back-off (up to 3 s) while the place stays
 * empty. Each call end wakes the one item that has waited longest; waking every one would only
 * have the rest refused again. Items are queued by credential (`capKey`): a call ending in one
 * organisation frees nothing in another.
 */
export function nextCallEnd(capKey: string): CallEndWait {
	let wake = () => {};
	const ended = new Promise<void>((resolve) => (wake = resolve));
	const queue = queues.get(capKey) ?? [];
	queues.set(capKey, queue);
	queue.push(wake);
	return {
		ended,
		cancel: () => {
			const at = queue.indexOf(wake);
			if (at >= 0) queue.splice(at, 1);
			if (queue.length === 0 && queues.get(capKey) === queue) queues.delete(capKey);
		},
	};
}

/** A live call under this credential was seen to end: the longest waiting item tries again. */
export function announceCallEnd(capKey: string): void {
	const queue = queues.get(capKey);
	queue?.shift()?.();
	if (queue?.length === 0) queues.delete(capKey);
}
