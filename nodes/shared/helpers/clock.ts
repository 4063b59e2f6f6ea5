let fixedNow: number | undefined;

/** The current instant. Every calling-hours decision reads it here, so tests can fix it. */
export function now(): Date {
	return new Date(fixedNow ?? Date.now());
}

/** Tests only: fixes `now()` at an instant, or lets it follow the system clock again. */
export function setClockForTests(instant: Date | string | undefined): void {
	fixedNow = instant === undefined ? undefined : new Date(instant).getTime();
}
