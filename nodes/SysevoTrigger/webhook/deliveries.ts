// Sysevo retries a delivery whose answer it did not see (a timeout, a reset connection) and may
// re-send one it could not record as delivered, always with the same X-Dograh-Delivery-Id
// (docs/sysevo-api.md §6.2). The trigger remembers what it emitted in the workflow's static data,
// which n8n loads and saves around every production webhook call, also on a separate webhook
// process in queue mode.

/** One emitted delivery: the run id, and the delivery id when Sysevo sent one. */
export interface EmittedDelivery {
	run: number;
	delivery?: string;
}

/** Enough for hours of calls; Sysevo's retries of one delivery end within about eight minutes. */
export const REMEMBERED_DELIVERIES = 1000;

// Delivery ids are UUIDs; anything else is not trusted as a key and not stored.
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function deliveryIdOf(header: unknown): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	return typeof value === 'string' && DELIVERY_ID.test(value.trim()) ? value.trim() : undefined;
}

function isEmitted(entry: unknown): entry is EmittedDelivery {
	return (
		typeof entry === 'object' &&
		entry !== null &&
		typeof (entry as EmittedDelivery).run === 'number'
	);
}

/** The remembered deliveries, whatever an older version or a hand edit left in static data. */
export function emittedDeliveries(stored: unknown): EmittedDelivery[] {
	return Array.isArray(stored) ? stored.filter(isEmitted) : [];
}

/**
 * Whether this delivery was emitted before: the same delivery id, or the same run. One run has
 * one result, so a second delivery of it (a second Webhook node, a re-sent payload of a build
 * that sends no delivery id) is a repeat too.
 */
export function isRepeat(
	emitted: readonly EmittedDelivery[],
	run: number,
	delivery: string | undefined,
): boolean {
	return emitted.some(
		(entry) => entry.run === run || (delivery !== undefined && entry.delivery === delivery),
	);
}

/** The list with this delivery added, the oldest dropped beyond the bound. */
export function withEmitted(
	emitted: readonly EmittedDelivery[],
	run: number,
	delivery: string | undefined,
	limit = REMEMBERED_DELIVERIES,
): EmittedDelivery[] {
	const entry: EmittedDelivery = delivery === undefined ? { run } : { run, delivery };
	return [...emitted, entry].slice(-limit);
}

/** The list without the deliveries of one run. */
export function withoutRun(emitted: readonly EmittedDelivery[], run: number): EmittedDelivery[] {
	return emitted.filter((entry) => entry.run !== run);
}

/**
 * What this process emitted for one trigger, looked up by run and by delivery id. On n8n 2.x a
 * live webhook's change to static data is saved only while the workflow had none: the execution
 * the webhook starts wraps the same object again, which clears n8n's "changed" flag before the
 * save runs. Repeats that reach the same process are caught here on every n8n line, also at
 * rates where the stored list's bound would be minutes short of Sysevo's retries (200
 * deliveries per second fill 1,000 entries in 5 s; a retry comes up to about eight minutes later).
 */
export class DeliveryMemory {
	/** Run → its delivery id, oldest first. */
	private readonly runs = new Map<number, string | undefined>();
	private readonly deliveries = new Set<string>();
	/** The newest entries, as the stored list keeps them. */
	private recent: EmittedDelivery[] = [];

	constructor(private readonly limit = REMEMBERED_IN_PROCESS) {}

	has(run: number, delivery: string | undefined): boolean {
		return this.runs.has(run) || (delivery !== undefined && this.deliveries.has(delivery));
	}

	add(run: number, delivery: string | undefined): void {
		if (this.has(run, delivery)) return;
		this.runs.set(run, delivery);
		if (delivery !== undefined) this.deliveries.add(delivery);
		// In place: this runs for every delivery, and copying the list each time was most of the
		// trigger's CPU time at 200 deliveries a second (docs/reliability.md, "Webhook load").
		this.recent.push(delivery === undefined ? { run } : { run, delivery });
		if (this.recent.length > REMEMBERED_DELIVERIES) this.recent.shift();
		for (const [oldest, oldestDelivery] of this.runs) {
			if (this.runs.size <= this.limit) break;
			this.runs.delete(oldest);
			if (oldestDelivery !== undefined) this.deliveries.delete(oldestDelivery);
		}
	}

	forget(run: number): void {
		const delivery = this.runs.get(run);
		this.runs.delete(run);
		if (delivery !== undefined) this.deliveries.delete(delivery);
		this.recent = withoutRun(this.recent, run);
	}

	/** The newest entries, oldest first. */
	newest(): EmittedDelivery[] {
		return [...this.recent];
	}

	/**
	 * The list to store: the stored entries this process does not know (another process's, or
	 * from before a restart), then this process's newest, each delivery once, newest last.
	 */
	mergedWith(stored: readonly EmittedDelivery[]): EmittedDelivery[] {
		const unknown = stored.filter((entry) => !this.has(entry.run, entry.delivery));
		return [...unknown, ...this.recent].slice(-REMEMBERED_DELIVERIES);
	}
}

/** About eight minutes of deliveries at 200 a second; a few MB per trigger when full. */
export const REMEMBERED_IN_PROCESS = 100_000;
const REMEMBERED_TRIGGERS = 50;
const memories = new Map<string, DeliveryMemory>();

/** This process's memory of one trigger (workflow id / node id). */
export function deliveryMemory(trigger: string): DeliveryMemory {
	let memory = memories.get(trigger);
	if (memory) {
		memories.delete(trigger);
	} else {
		memory = new DeliveryMemory();
		if (memories.size >= REMEMBERED_TRIGGERS)
			memories.delete(memories.keys().next().value as string);
	}
	memories.set(trigger, memory);
	return memory;
}
