export type ContextValue =
	| string
	| number
	| boolean
	| null
	| ContextValue[]
	| { [key: string]: ContextValue };
export type InitialContext = { [key: string]: ContextValue };
export type ContextCheck =
	| { valid: true; context: InitialContext }
	| { valid: false; reason: string };

export const MAX_CONTEXT_BYTES = 32 * 1024;
export const MAX_CONTEXT_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const prototype = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}

/** Dates (and date-like values such as Luxon's DateTime) serialise to ISO text. */
function isDateLike(value: unknown): boolean {
	const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
	return (
		typeof toJSON === 'function' &&
		typeof (value as { toJSON: () => unknown }).toJSON() === 'string'
	);
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
	return `a ${typeof value}`;
}

function label(path: string): string {
	return path === '' ? 'The initial context' : `The context value "${path}"`;
}

/** Walks the value without recursion, so deep nesting cannot overflow the stack. */
function problemIn(root: unknown): string | undefined {
	const pending: Array<[unknown, string, number]> = [[root, '', 0]];
	while (pending.length > 0) {
		const [value, path, depth] = pending.pop()!;
		if (depth > MAX_CONTEXT_DEPTH)
			return `The initial context is nested more than ${MAX_CONTEXT_DEPTH} levels deep`;
		if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
		if (typeof value === 'number') {
			if (!Number.isFinite(value)) return `${label(path)} is not a finite number`;
			continue;
		}
		if (Array.isArray(value)) {
			value.forEach((entry, index) => pending.push([entry, `${path}[${index}]`, depth + 1]));
			continue;
		}
		if (isPlainObject(value)) {
			for (const key of Object.keys(value)) {
				const keyPath = path ? `${path}.${key}` : key;
				if (FORBIDDEN_KEYS.has(key))
					return `The context key "${keyPath}" is not allowed (reserved JavaScript name)`;
				pending.push([value[key], keyPath, depth + 1]);
			}
			continue;
		}
		if (isDateLike(value)) continue;
		return `${label(path)} is ${kindOf(value)}, which cannot be sent as JSON`;
	}
	return undefined;
}

function finish(context: InitialContext): ContextCheck {
	const problem = problemIn(context);
	if (problem) return { valid: false, reason: problem };
	const size = Buffer.byteLength(JSON.stringify(context), 'utf8');
	if (size > MAX_CONTEXT_BYTES) {
		return {
			valid: false,
			reason: `The initial context is ${size} bytes; at most ${MAX_CONTEXT_BYTES} bytes can be sent with a call`,
		};
	}
	return { valid: true, context };
}

export interface ContextEntry {
	key?: unknown;
	value?: unknown;
}

/** Builds the context from the key–value editor; values keep the type their expression produced. */
export function contextFromEntries(entries: ContextEntry[]): ContextCheck {
	const context: InitialContext = {};
	const seen = new Set<string>();
	for (const [index, entry] of entries.entries()) {
		const key = typeof entry.key === 'string' ? entry.key.trim() : '';
		if (key === '') {
			return { valid: false, reason: `Initial context entry ${index + 1} has no key` };
		}
		if (FORBIDDEN_KEYS.has(key)) {
			return {
				valid: false,
				reason: `The context key "${key}" is not allowed (reserved JavaScript name)`,
			};
		}
		if (seen.has(key)) {
			return { valid: false, reason: `The context key "${key}" is used more than once` };
		}
		seen.add(key);
		Object.defineProperty(context, key, {
			value: (entry.value ?? '') as ContextValue,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return finish(context);
}

/** Accepts a JSON object, either already parsed or as JSON text. */
export function contextFromJson(input: unknown): ContextCheck {
	let value = input;
	if (typeof input === 'string') {
		if (input.trim() === '') return finish({});
		try {
			value = JSON.parse(input);
		} catch (error) {
			return {
				valid: false,
				reason: `The initial context is not valid JSON: ${(error as Error).message}`,
			};
		}
	}
	if (!isPlainObject(value)) {
		return {
			valid: false,
			reason: `The initial context must be a JSON object like {"name": "Jane"}, not ${kindOf(value)}`,
		};
	}
	return finish(value as InitialContext);
}
