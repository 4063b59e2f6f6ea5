/**
 * Builders for FastAPI 0.135 / pydantic v2 request-validation items (`detail` arrays of a 422).
 * Messages and `type` codes are pydantic-core's; `input` is what pydantic saw (query and path
 * values are always strings).
 */

export type Loc = Array<string | number>;

export interface ValidationItem {
	type: string;
	loc: Loc;
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
}

export function missingItem(loc: Loc, input: unknown): ValidationItem {
	return { type: 'missing', loc, msg: 'Field required', input };
}

export function jsonInvalidItem(position: number, message: string): ValidationItem {
	return {
		type: 'json_invalid',
		loc: ['body', position],
		msg: 'JSON decode error',
		input: {},
		ctx: { error: message },
	};
}

export function modelAttributesTypeItem(input: unknown): ValidationItem {
	return {
		type: 'model_attributes_type',
		loc: ['body'],
		msg: 'Input should be a valid dictionary or object to extract fields from',
		input,
	};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringItem(value: unknown, loc: Loc): ValidationItem | undefined {
	if (typeof value === 'string') return undefined;
	return { type: 'string_type', loc, msg: 'Input should be a valid string', input: value };
}

/** `Optional[dict]`: null passes, anything but an object fails with `dict_type`. */
export function optionalDictItem(value: unknown, loc: Loc): ValidationItem | undefined {
	if (value === null || value === undefined || isPlainObject(value)) return undefined;
	return { type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: value };
}

type IntResult =
	| { value: number; error?: undefined }
	| { value?: undefined; error: ValidationItem };

const INTEGER_STRING = /^[+-]?\d+$/;

/** pydantic v2 lax-mode `int` from a Python-parsed JSON value. */
export function laxInt(value: unknown, loc: Loc): IntResult {
	if (typeof value === 'boolean') return { value: value ? 1 : 0 };
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			return {
				error: { type: 'finite_number', loc, msg: 'Input should be a finite number', input: value },
			};
		}
		if (Number.isInteger(value)) return { value };
		return {
			error: {
				type: 'int_from_float',
				loc,
				msg: 'Input should be a valid integer, got a number with a fractional part',
				input: value,
			},
		};
	}
	if (typeof value === 'string') return intFromString(value, loc);
	return { error: { type: 'int_type', loc, msg: 'Input should be a valid integer', input: value } };
}

export function intFromString(raw: string, loc: Loc): IntResult {
	const trimmed = raw.trim();
	if (INTEGER_STRING.test(trimmed)) return { value: Number(trimmed) };
	return {
		error: {
			type: 'int_parsing',
			loc,
			msg: 'Input should be a valid integer, unable to parse string as an integer',
			input: raw,
		},
	};
}

/** Optional query int with FastAPI `Query(ge=, le=)` bounds. */
export function boundedQueryInt(
	raw: string | null,
	name: string,
	defaultValue: number,
	bounds: { ge: number; le?: number },
): IntResult {
	if (raw === null) return { value: defaultValue };
	const loc = ['query', name];
	const parsed = intFromString(raw, loc);
	if (parsed.error) return parsed;
	if (parsed.value < bounds.ge) {
		return {
			error: {
				type: 'greater_than_equal',
				loc,
				msg: `Input should be greater than or equal to ${bounds.ge}`,
				input: raw,
				ctx: { ge: bounds.ge },
			},
		};
	}
	if (bounds.le !== undefined && parsed.value > bounds.le) {
		return {
			error: {
				type: 'less_than_equal',
				loc,
				msg: `Input should be less than or equal to ${bounds.le}`,
				input: raw,
				ctx: { le: bounds.le },
			},
		};
	}
	return parsed;
}

const TRUE_STRINGS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_STRINGS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export function queryBool(
	raw: string | null,
	name: string,
): { value: boolean; error?: undefined } | { value?: undefined; error: ValidationItem } {
	if (raw === null) return { value: false };
	const lowered = raw.toLowerCase();
	if (TRUE_STRINGS.has(lowered)) return { value: true };
	if (FALSE_STRINGS.has(lowered)) return { value: false };
	return {
		error: {
			type: 'bool_parsing',
			loc: ['query', name],
			msg: 'Input should be a valid boolean, unable to interpret input',
			input: raw,
		},
	};
}

export interface TriggerCallRequest {
	phone_number: string;
	initial_context: Record<string, unknown> | null;
	telephony_configuration_id: number | null;
	from_phone_number_id: number | null;
}

/**
 * Validates a JSON-decoded body against `TriggerCallRequest` (extra fields ignored). Builds
 * before 1.45 have no `from_phone_number_id` field, so it is ignored like any extra field.
 */
export function validateTriggerBody(
	body: unknown,
	knowsFromPhoneNumberId = true,
): {
	value?: TriggerCallRequest;
	errors: ValidationItem[];
} {
	if (body === null || body === undefined) return { errors: [missingItem(['body'], null)] };
	if (!isPlainObject(body)) return { errors: [modelAttributesTypeItem(body)] };

	const errors: ValidationItem[] = [];
	if (!('phone_number' in body)) errors.push(missingItem(['body', 'phone_number'], body));
	else pushIfDefined(errors, stringItem(body.phone_number, ['body', 'phone_number']));
	pushIfDefined(errors, optionalDictItem(body.initial_context, ['body', 'initial_context']));
	const telephonyId = optionalInt(body.telephony_configuration_id, 'telephony_configuration_id');
	pushIfDefined(errors, telephonyId.error);
	const fromNumberId = knowsFromPhoneNumberId
		? optionalInt(body.from_phone_number_id, 'from_phone_number_id')
		: {};
	pushIfDefined(errors, fromNumberId.error);
	if (errors.length > 0) return { errors };

	return {
		errors,
		value: {
			phone_number: body.phone_number as string,
			initial_context: (body.initial_context as Record<string, unknown> | undefined) ?? null,
			telephony_configuration_id: telephonyId.value ?? null,
			from_phone_number_id: fromNumberId.value ?? null,
		},
	};
}

function optionalInt(value: unknown, field: string): Partial<IntResult> {
	if (value === null || value === undefined) return {};
	return laxInt(value, ['body', field]);
}

function pushIfDefined(items: ValidationItem[], item: ValidationItem | undefined): void {
	if (item) items.push(item);
}
