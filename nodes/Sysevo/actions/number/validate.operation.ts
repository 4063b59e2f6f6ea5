import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	callingStateOf,
	checkCallingHours,
	type CallingHoursOptions,
	type CallingHoursRule,
} from '../../../shared/helpers/callingHours';
import { now } from '../../../shared/helpers/clock';
import { checkPhoneNumber, destinationProblem } from '../../../shared/helpers/phone';
import {
	allowedCountriesOption,
	blockPremiumNumbersOption,
	callingHoursOptions,
	defaultCountryOption,
} from '../descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +14155552671',
		description:
			'Number to check, in international format, or in national format with Options → Default Country set',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// The same destination rules, names and defaults as Trigger Call's options.
		options: [
			defaultCountryOption,
			{
				...allowedCountriesOption,
				description:
					'Numbers outside these countries are reported as not allowed. None selected allows every country.',
			},
			{
				...blockPremiumNumbersOption,
				description:
					'Whether premium-rate, shared-cost, personal, pager, UAN and voicemail-access numbers are reported as not allowed',
			},
			...callingHoursOptions.map((option) =>
				option.name === 'callingHours'
					? {
							...option,
							description:
								'Which hours callable_now and next_call_at are reported for, in the number’s own local time (the time zone comes from the number; where it may be in several, only times inside the window in all of them count). The same rules as Trigger Call’s Calling Hours.',
						}
					: option,
			),
			{
				displayName: 'Include Input Fields',
				name: 'includeInputFields',
				type: 'boolean',
				default: false,
				description:
					"Whether to keep the input item's fields next to the result (the result's fields win on a name clash)",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['number'], operation: ['validate'] } },
	properties,
);

interface ValidateOptions extends CallingHoursOptions {
	defaultCountry?: string;
	allowedCountries?: string[];
	blockPremiumNumbers?: boolean;
	includeInputFields?: boolean;
}

/** A number type as a column value: `MOBILE` → `mobile`, `FIXED_LINE` → `fixed_line`. */
function typeName(type: string | undefined): string | null {
	return type ? type.toLowerCase() : null;
}

const NO_CALLING_TIME = {
	recipient_time_zones: [],
	recipient_local_time: null,
	callable_now: false,
	not_callable_reason: null,
	next_call_at: null,
};

/**
 * Pure: what the checks say about one number at `nowMs`. callable_now is true when the number is
 * valid, allowed and inside its calling hours; next_call_at is when those open, when they are
 * what keeps it from being callable now.
 */
export function validateNumber(
	input: string,
	options: ValidateOptions,
	rule: CallingHoursRule = { mode: 'anytime' },
	nowMs = now().getTime(),
): IDataObject {
	const phone = checkPhoneNumber(input, options.defaultCountry);
	if (!phone.valid) {
		return {
			phone_number: input,
			valid: false,
			e164: null,
			country: null,
			type: null,
			allowed: false,
			reason: phone.reason,
			...NO_CALLING_TIME,
		};
	}
	const refused = destinationProblem(phone, {
		allowedCountries: options.allowedCountries,
		blockSpecialNumbers: options.blockPremiumNumbers,
	});
	const calling = callingStateOf(rule, phone, nowMs);
	return {
		phone_number: input,
		valid: true,
		e164: phone.e164,
		country: phone.country ?? null,
		type: typeName(phone.type),
		allowed: refused === undefined,
		reason: refused ?? null,
		recipient_time_zones: calling.zones,
		recipient_local_time: calling.localTime,
		callable_now: refused === undefined && calling.callableNow,
		not_callable_reason: calling.reason,
		next_call_at: refused === undefined ? calling.nextCallAt : null,
	};
}

/** No request: the number is checked here, so an invalid one is a result, not an error. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const input = String(this.getNodeParameter('phoneNumber', i, '') ?? '').trim();
	const options = this.getNodeParameter('options', i, {}) as ValidateOptions;
	const hours = checkCallingHours(options);
	if (!hours.valid) throw new NodeOperationError(this.getNode(), hours.reason, { itemIndex: i });
	const result = validateNumber(input, options, hours.rule);
	const json = options.includeInputFields ? { ...this.getInputData()[i].json, ...result } : result;
	return [{ json, pairedItem: { item: i } }];
}
