// Identifiers end up in URL paths. Each check is strict enough that a value can never add a path
// segment, a query or an encoded dot segment, so a request can only reach the route it was built for.

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// A trigger path is a UUID unless the user renamed it: up to 36 letters, digits, '-' or '_'.
const TRIGGER_PATH = /^[A-Za-z0-9_-]{1,36}$/;

const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;

export type IdCheck<T> = { valid: true; value: T } | { valid: false; reason: string };

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'empty';
	return `"${String(value)}"`;
}

export function checkWorkflowUuid(value: unknown): IdCheck<string> {
	const text = typeof value === 'string' ? value.trim() : '';
	if (UUID.test(text)) return { valid: true, value: text.toLowerCase() };
	return {
		valid: false,
		reason: `The agent's workflow UUID is ${describe(value)}; it must look like 0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60`,
	};
}

export function checkTriggerPath(value: unknown): IdCheck<string> {
	const text = typeof value === 'string' ? value.trim() : '';
	if (TRIGGER_PATH.test(text)) return { valid: true, value: text };
	return {
		valid: false,
		reason: `The API trigger UUID is ${describe(value)}; it may only contain letters, digits, "-" and "_" (at most 36 characters)`,
	};
}

export function checkPositiveInteger(value: unknown, label: string): IdCheck<number> {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (POSITIVE_INTEGER.test(text) && Number.isSafeInteger(Number(text))) {
		return { valid: true, value: Number(text) };
	}
	return {
		valid: false,
		reason: `The ${label} is ${describe(value)}; it must be a positive whole number`,
	};
}
