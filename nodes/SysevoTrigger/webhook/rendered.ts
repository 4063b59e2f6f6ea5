import type { IDataObject } from 'n8n-workflow';

// Sysevo renders the Webhook node's payload template leaf by leaf: objects become JSON text, None
// becomes "", anything else its Python text ("48213", "True"), and afterwards every two-character
// sequence backslash-n turns into a real newline (docs/sysevo-api.md §6.1).

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a rendered value stands for "no value": None renders as "". */
export function isAbsent(value: unknown): boolean {
	return (
		value === undefined || value === null || value === '' || value === 'None' || value === 'null'
	);
}

/**
 * Parses JSON text that went through the renderer. JSON text never holds a raw newline (inside a
 * string literal it is written as \n), so every raw newline was a \n before rendering: turning
 * each back into the two characters restores the original text exactly, backslashes included.
 */
export function parseRenderedJson(text: string): unknown {
	return JSON.parse(text.replace(/\n/g, '\\n'));
}

export type RenderedObject = { value: IDataObject | null } | { text: string; problem: string };

/** An object field such as `"gathered_context": "{{gathered_context}}"`. */
export function readRenderedObject(value: unknown, field: string): RenderedObject {
	if (isAbsent(value)) return { value: null };
	if (isPlainObject(value)) return { value };
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	if (typeof value === 'string') {
		try {
			const parsed = parseRenderedJson(value);
			if (isPlainObject(parsed)) return { value: parsed };
		} catch {
			// reported below
		}
	}
	return {
		text,
		problem: `${field} is not a JSON object, so it is kept as text; put "{{${field}}}" in the template as a whole value`,
	};
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;

/** A whole number that may have been rendered as text ("48213"). */
export function readRenderedId(value: unknown): number | undefined {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!POSITIVE_INTEGER.test(text)) return undefined;
	const id = Number(text);
	return Number.isSafeInteger(id) ? id : undefined;
}

export function readRenderedText(value: unknown): string | null {
	return isAbsent(value) ? null : String(value);
}
