import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeParameters,
} from 'n8n-workflow';

import type { Target, TriggerOptions, TriggerPlan } from '../../calling/callPlan';
import { checkCallingHours, type CalledNumber } from '../../../shared/helpers/callingHours';
import {
	contextFromEntries,
	contextFromJson,
	systemKeyProblem,
	type ContextCheck,
	type ContextEntry,
	type InitialContext,
} from '../../../shared/helpers/context';
import {
	checkPositiveInteger,
	checkTriggerPath,
	checkWorkflowUuid,
} from '../../../shared/helpers/identifiers';
import { checkPhoneNumber, destinationProblem } from '../../../shared/helpers/phone';
import { triggerPathOf } from '../../../shared/transport/api';

function fail(context: IExecuteFunctions, i: number, reason: string): never {
	throw new NodeOperationError(context.getNode(), reason, { itemIndex: i });
}

/** Item i's value of a parameter, as `getNodeParameter` gives it. */
export type ParameterReader = (
	name: string,
	i: number,
	fallback?: unknown,
	options?: { extractValue?: boolean },
) => unknown;

/** Whether a parameter's saved value holds an expression anywhere (a string starting with "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (typeof value === 'object' && value !== null)
		return Object.values(value).some((inner) => holdsExpression(inner));
	return false;
}

/**
 * Reads the parameters of one execution's items. Every read makes n8n resolve, copy and check
 * the value; a parameter saved without an expression is the same for every item, so it is read
 * once and its value shared by the items' plans, which only read it. A parameter holding an
 * expression is resolved for each item. Each parameter must be read with the same fallback and
 * options every time.
 */
export function parameterReader(context: IExecuteFunctions): ParameterReader {
	const saved = context.getNode().parameters;
	const constants = new Map<string, unknown>();
	return (name, i, fallback, options) => {
		if (constants.has(name)) return constants.get(name);
		const value = context.getNodeParameter(name, i, fallback, options);
		const raw = name
			.split('.')
			.reduce<unknown>((at, key) => (at as INodeParameters | undefined)?.[key], saved);
		if (!holdsExpression(raw)) constants.set(name, value);
		return value;
	};
}

function targetOf(
	context: IExecuteFunctions,
	read: ParameterReader,
	i: number,
	draft: boolean,
): Target {
	const kind = read('agentIdType', i) as Target['kind'];
	if (kind === 'triggerUuid') {
		const check = checkTriggerPath(read('triggerUuid', i));
		if (!check.valid) fail(context, i, check.reason);
		return {
			path: triggerPathOf('triggerByPath', check.value, draft),
			route: 'triggerByPath',
			identifier: check.value,
			kind,
		};
	}
	const check = checkWorkflowUuid(read('agent', i, '', { extractValue: true }));
	if (!check.valid) fail(context, i, check.reason);
	return {
		path: triggerPathOf('triggerByWorkflow', check.value, draft),
		route: 'triggerByWorkflow',
		identifier: check.value,
		kind,
	};
}

// Key–value entries saved without an expression are one array for every item (parameterReader):
// they are checked once, and each item gets its own copy of the context.
const checkedEntries = new WeakMap<ContextEntry[], ContextCheck>();

function contextOfEntries(entries: ContextEntry[]): ContextCheck {
	const known = checkedEntries.get(entries);
	if (known) return known.valid ? { valid: true, context: { ...known.context } } : known;
	const check = contextFromEntries(entries);
	// Only a context of plain values is shared this way: a copy of it is a whole copy.
	if (!check.valid || Object.values(check.context).every((value) => typeof value !== 'object'))
		checkedEntries.set(
			entries,
			check.valid ? { valid: true, context: { ...check.context } } : check,
		);
	return check;
}

function initialContextOf(
	context: IExecuteFunctions,
	read: ParameterReader,
	i: number,
): IDataObject {
	const input = read('contextInput', i) as string;
	// Read for each item: a saved JSON object would otherwise be one context shared by all rows.
	const check =
		input === 'json'
			? contextFromJson(context.getNodeParameter('initialContextJson', i))
			: contextOfEntries((read('initialContext.values', i, []) as ContextEntry[]) ?? []);
	if (!check.valid) fail(context, i, check.reason);
	return check.context as IDataObject;
}

/** An optional id option: unset, empty or 0 means "the default". */
function optionalIdOf(
	context: IExecuteFunctions,
	i: number,
	value: number | string | null | undefined,
	label: string,
) {
	if (value === undefined || value === null || value === '' || value === 0 || value === '0')
		return undefined;
	const check = checkPositiveInteger(value, label);
	if (!check.valid) fail(context, i, check.reason);
	return check.value;
}

function callingHoursOf(context: IExecuteFunctions, i: number, options: TriggerOptions) {
	const check = checkCallingHours(options);
	if (!check.valid) fail(context, i, check.reason);
	return check.rule;
}

function skipHoursOf(context: IExecuteFunctions, i: number, options: TriggerOptions): number {
	const raw = options.skipIfCalledWithinHours;
	if (raw === undefined || raw === null || raw === '') return 0;
	const hours = Number(raw);
	if (!Number.isFinite(hours) || hours < 0)
		fail(
			context,
			i,
			`Skip If Called Within must be a number of hours of 0 or more, not "${String(raw)}"`,
		);
	return hours;
}

function requestBodyOf(
	context: IExecuteFunctions,
	read: ParameterReader,
	i: number,
	options: TriggerOptions,
) {
	const phone = checkPhoneNumber(String(read('phoneNumber', i) ?? ''), options.defaultCountry);
	if (!phone.valid) fail(context, i, phone.reason);
	const refused = destinationProblem(phone, {
		allowedCountries: options.allowedCountries,
		blockSpecialNumbers: options.blockPremiumNumbers,
	});
	if (refused) fail(context, i, refused);
	const initialContext = initialContextOf(context, read, i);
	const steers = systemKeyProblem(initialContext as InitialContext, {
		e164: phone.e164,
		normalise: (text) => {
			const check = checkPhoneNumber(text, options.defaultCountry);
			return check.valid ? check.e164 : undefined;
		},
	});
	if (steers) fail(context, i, steers);
	const body: IDataObject = { phone_number: phone.e164, initial_context: initialContext };
	const telephonyId = optionalIdOf(
		context,
		i,
		options.telephonyConfigurationId,
		'telephony configuration ID',
	);
	if (telephonyId !== undefined) body.telephony_configuration_id = telephonyId;
	const callerId = optionalIdOf(context, i, options.fromPhoneNumberId, 'caller number ID');
	if (callerId !== undefined) body.from_phone_number_id = callerId;
	return { body, e164: phone.e164, recipient: phone as CalledNumber };
}

/**
 * What an item was about, for its error row: the number (in E.164 when it is valid, else as
 * given) and the initial context (when it can be read). Never throws.
 */
export function itemFacts(this: IExecuteFunctions, i: number): IDataObject {
	const options = this.getNodeParameter('options', i, {}) as TriggerOptions;
	const given = String(this.getNodeParameter('phoneNumber', i, '') ?? '').trim();
	const phone = checkPhoneNumber(given, options.defaultCountry);
	let initialContext: IDataObject = {};
	try {
		initialContext = initialContextOf(this, this.getNodeParameter.bind(this), i);
	} catch {
		// An unreadable context is the item's error already.
	}
	return {
		phone_number: phone.valid ? phone.e164 : given || null,
		initial_context: initialContext,
	};
}

/** Reads and checks an item's parameters through `read` (`parameterReader`); no request is made. */
export function triggerPlanOf(
	this: IExecuteFunctions,
	i: number,
	read: ParameterReader,
): TriggerPlan {
	const draft = read('useDraft', i, false) as boolean;
	const waiting = read('waitForCompletion', i, false) as boolean;
	const options = read('options', i, {}) as TriggerOptions;
	const target = targetOf(this, read, i, draft);
	const { body, e164, recipient } = requestBodyOf(this, read, i, options);
	return {
		target,
		body,
		e164,
		draft,
		waiting,
		skipHours: skipHoursOf(this, i, options),
		callingHours: callingHoursOf(this, i, options),
		recipient,
		options,
	};
}
