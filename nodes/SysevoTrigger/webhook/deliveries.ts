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
 * This process's own copy of the emitted deliveries, per workflow and trigger node. On n8n 2.x a
 * live webhook's change to static data is saved only while the workflow had none: the execution
 * the webhook starts wraps the same object again, which clears n8n's "changed" flag before the
 * save runs. Repeats that reach the same process are caught through this copy on every n8n line.
 */
const emittedInProcess = new Map<string, EmittedDelivery[]>();
const REMEMBERED_TRIGGERS = 1000;

export function emittedInThisProcess(trigger: string): EmittedDelivery[] {
	return emittedInProcess.get(trigger) ?? [];
}

export function rememberInThisProcess(trigger: string, emitted: EmittedDelivery[]): void {
	emittedInProcess.delete(trigger);
	emittedInProcess.set(trigger, emitted);
	if (emittedInProcess.size > REMEMBERED_TRIGGERS)
		emittedInProcess.delete(emittedInProcess.keys().next().value as string);
}

/** Both memories together, each delivery once, oldest first. */
export function mergedDeliveries(
	stored: readonly EmittedDelivery[],
	inProcess: readonly EmittedDelivery[],
): EmittedDelivery[] {
	const merged = [...stored];
	for (const entry of inProcess)
		if (!isRepeat(merged, entry.run, entry.delivery)) merged.push(entry);
	return merged.slice(-REMEMBERED_DELIVERIES);
}
