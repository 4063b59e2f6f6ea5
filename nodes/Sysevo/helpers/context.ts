export type ContextValue = string | number | boolean | null | ContextValue[] | { [key: string]: ContextValue };
export type InitialContext = { [key: string]: ContextValue };
export type ContextCheck = { valid: true; context: InitialContext } | { valid: false; reason: string };

export const MAX_CONTEXT_BYTES = 32 * 1024;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
	if (Array.isArray(value)) {
		for (const [index, entry] of value.entries()) {
			const found = findForbiddenKey(entry, `${path}[${index}]`);
			if (found) return found;
		}
		return undefined;
	}
	if (!isPlainObject(value)) return undefined;
	for (const key of Object.keys(value)) {
		const keyPath = path ? `${path}.${key}` : key;
		if (FORBIDDEN_KEYS.has(key)) return keyPath;
		const found = findForbiddenKey(value[key], keyPath);
		if (found) return found;
	}
	return undefined;
}

function finish(context: InitialContext): ContextCheck {
	const forbidden = findForbiddenKey(context, '');
	if (forbidden) {
		return { valid: false, reason: `The context key "${forbidden}" is not allowed (reserved JavaScript name)` };
	}
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
			return { valid: false, reason: `The context key "${key}" is not allowed (reserved JavaScript name)` };
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
			return { valid: false, reason: `The initial context is not valid JSON: ${(error as Error).message}` };
		}
	}
	if (!isPlainObject(value)) {
		const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
		return { valid: false, reason: `The initial context must be a JSON object like {"name": "Jane"}, not ${kind}` };
	}
	return finish(value as InitialContext);
}
