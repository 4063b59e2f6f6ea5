// What every door of `npm run reliability` reports, and the seeded randomness the doors share.
import fc from 'fast-check';

export interface DoorFigures {
	door: string;
	executions: number;
	/** Distinct bad values tried at this door (a Set, so a value tried twice counts once). */
	badInputs: Set<string>;
	itemsIn: number;
	itemsOut: number;
	duplicates: number;
	keyLeaks: number;
	crashes: number;
	faults: number;
	violations: string[];
	/** Door-specific figures, printed as they are. */
	extra: Record<string, number | string>;
}

export function newFigures(door: string): DoorFigures {
	return {
		door,
		executions: 0,
		badInputs: new Set(),
		itemsIn: 0,
		itemsOut: 0,
		duplicates: 0,
		keyLeaks: 0,
		crashes: 0,
		faults: 0,
		violations: [],
		extra: {},
	};
}

/** A small seeded generator (mulberry32), so a door's choices repeat with its seed. */
export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0 || 1;
	}

	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(values: readonly T[]): T {
		return values[Math.floor(this.next() * values.length)];
	}
}

/** `count` values of an arbitrary, the same ones for the same seed. */
export function samples<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
	return fc.sample(arbitrary, { numRuns: count, seed });
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A value as one line of text, for counting distinct inputs. */
export function inputKey(kind: string, value: unknown): string {
	if (Buffer.isBuffer(value)) return `${kind}:${value.toString('base64')}`;
	try {
		return `${kind}:${typeof value}:${JSON.stringify(value) ?? String(value)}`;
	} catch {
		return `${kind}:${String(value)}`;
	}
}
