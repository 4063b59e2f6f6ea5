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

const SETS_TELEPHONY =
	'the call loads its telephony credentials from it; choose the configuration under Options → Telephony Configuration instead';
const SET_BY_SYSEVO = 'Sysevo sets it for each call, and some builds let the context replace it';
const RECORDS_PLACEMENT =
	'Sysevo records under it how the call was placed, and the context would replace that';
const NAMES_AGENT = 'it names the agent that was called, and the context would replace it';
const NAMES_KEY = 'it records which API key placed the call, and the context would replace it';
const NAMES_CALLER =
	'it is the number the call comes from, chosen by the telephony configuration, and the context would replace it';

/**
 * Context keys that would steer or misreport the call. Sysevo lays the caller's context over the
 * keys it sets for the run (docs/sysevo-api.md §6.4): `telephony_configuration_id` decides which
 * credentials the media leg loads, the others are what the run reports about how it was placed.
 */
export const REFUSED_CONTEXT_KEYS: Readonly<Record<string, string>> = {
	telephony_configuration_id: SETS_TELEPHONY,
	provider: SET_BY_SYSEVO,
	runtime_configuration: SET_BY_SYSEVO,
	mps_correlation_id: SET_BY_SYSEVO,
	direction: RECORDS_PLACEMENT,
	trigger_mode: RECORDS_PLACEMENT,
	agent_identifier: NAMES_AGENT,
	agent_identifier_type: NAMES_AGENT,
	workflow_uuid: NAMES_AGENT,
	agent_uuid: NAMES_AGENT,
	api_key_id: NAMES_KEY,
	api_key_created_by: NAMES_KEY,
	caller_number: NAMES_CALLER,
	from_phone_number_id: NAMES_CALLER,
};

/**
 * Every key Sysevo itself writes into a run's `initial_context` (docs/sysevo-api.md §6.4): the
 * refused keys above, and the number dialled, `phone_number` (which a caller's context may hold
 * when it is the same number) and `called_number` (written after the caller's context is laid
 * over). Any other key came from whoever placed the call.
 */
export const SYSEVO_CONTEXT_KEYS: ReadonlySet<string> = new Set([
	...Object.keys(REFUSED_CONTEXT_KEYS),
	'phone_number',
	'called_number',
]);

export interface DialledNumber {
	/** The number being dialled, in E.164. */
	e164: string;
	/** The E.164 form of a context value, or undefined when it is not a phone number. */
	normalise: (text: string) => string | undefined;
}

/**
 * Why the context cannot be sent with this call, or undefined when it can. `phone_number` is what
 * the run reports as the number called, so it may only repeat the dialled number.
 */
export function systemKeyProblem(
	context: InitialContext,
	dialled: DialledNumber,
): string | undefined {
	for (const key of Object.keys(context)) {
		const why = Object.prototype.hasOwnProperty.call(REFUSED_CONTEXT_KEYS, key)
			? REFUSED_CONTEXT_KEYS[key]
			: undefined;
		if (why)
			return `The context key "${key}" cannot be sent: ${why}. Remove it from the initial context.`;
	}
	if (!Object.prototype.hasOwnProperty.call(context, 'phone_number')) return undefined;
	const value = context.phone_number;
	const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
	if (text.trim() !== '' && dialled.normalise(text) === dialled.e164) return undefined;
	const shown = JSON.stringify(value) ?? String(value);
	const quoted = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
	return `The context key "phone_number" is ${quoted}, but the call dials ${dialled.e164}: Sysevo would report the context's value as the number called. Remove the key, or give it the same number as Phone Number.`;
}
