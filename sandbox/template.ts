import { pythonJsonDumps, pythonStr } from './pyjson';

/**
 * The platform's template renderer (`api/utils/template_renderer.py`, `render_template`), as
 * it renders an agent Webhook node's `payload_template`:
 * - dict keys and string leaves are rendered; other leaves (numbers, booleans, null) stay;
 * - a placeholder's value: None → `""`, a dict or list → `json.dumps(value)` (`", "`/`": "`,
 *   `ensure_ascii=True`), anything else → `str(value)` (`48213`, `True`, `93.7`);
 * - `{{name | default}}` / `{{name | fallback:default}}` when the value is None or `""`;
 * - finally every two-character sequence backslash-n becomes a real newline, so the JSON text
 *   of an object whose strings hold line breaks arrives with raw newlines inside its literals.
 */

/** `TEMPLATE_VAR_PATTERN` in `api/services/workflow/workflow_graph.py`. */
const TEMPLATE_VAR_PATTERN = /\{\{\s*([^|\s}]+)(?:\s*\|\s*([^:}]+)(?::([^}]+))?)?\s*\}\}/g;
const INITIAL_CONTEXT_PREFIX = 'initial_context.';

export function renderTemplate(template: unknown, context: Record<string, unknown>): unknown {
	if (template === null || template === undefined) return null;
	if (Array.isArray(template)) return template.map((item) => renderTemplate(item, context));
	if (typeof template === 'object') {
		const rendered: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
			rendered[renderString(key, context)] = renderTemplate(value, context);
		}
		return rendered;
	}
	if (typeof template !== 'string') return template;
	return renderString(template, context);
}

export function renderString(template: string, context: Record<string, unknown>): string {
	if (!template) return template;
	const result = template.replace(
		TEMPLATE_VAR_PATTERN,
		(_match, path: string, filterName?: string, filterValue?: string) => {
			const value = resolveValue(path.trim(), filterName?.trim(), filterValue?.trim(), context);
			if (value === null || value === undefined) return '';
			if (typeof value === 'object') return pythonJsonDumps(value);
			return pythonStr(value);
		},
	);
	return result.split('\\n').join('\n');
}

function resolveValue(
	path: string,
	filterName: string | undefined,
	filterValue: string | undefined,
	context: Record<string, unknown>,
): unknown {
	const builtin = builtinValue(path);
	if (builtin !== undefined) return builtin;
	let value = nestedValue(context, path);
	if ((value === null || value === undefined) && path.startsWith(INITIAL_CONTEXT_PREFIX)) {
		value = nestedValue(context, path.slice(INITIAL_CONTEXT_PREFIX.length));
	}
	if (filterName !== undefined && (value === null || value === undefined || value === '')) {
		if (filterName === 'fallback') return filterValue ?? pythonTitle(path);
		return filterName;
	}
	return value;
}

/** `get_nested_value`: dot paths through dicts only; lists and scalars end the walk. */
function nestedValue(source: unknown, path: string): unknown {
	let current = source;
	for (const key of path.split('.')) {
		if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
		current = (current as Record<string, unknown>)[key];
		if (current === null || current === undefined) return null;
	}
	return current;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `current_time` and `current_weekday` in UTC; timezone-suffixed forms are not simulated. */
function builtinValue(path: string): string | undefined {
	const now = new Date();
	if (path === 'current_time') {
		return `${now.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
	}
	if (path === 'current_weekday') return WEEKDAYS[now.getUTCDay()];
	return undefined;
}

function pythonTitle(text: string): string {
	return text.replace(/[A-Za-z]+/g, (word) => word[0].toUpperCase() + word.slice(1).toLowerCase());
}
