import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { Lane } from '../../calling/session';
import { checkPhoneNumber, destinationProblem } from '../../helpers/phone';
import {
	allowedCountriesOption,
	blockPremiumNumbersOption,
	defaultCountryOption,
} from '../../shared/descriptions';

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

interface ValidateOptions {
	defaultCountry?: string;
	allowedCountries?: string[];
	blockPremiumNumbers?: boolean;
	includeInputFields?: boolean;
}

export function lane(this: IExecuteFunctions): Lane {
	return 'read';
}

/** A number type as a column value: `MOBILE` → `mobile`, `FIXED_LINE` → `fixed_line`. */
function typeName(type: string | undefined): string | null {
	return type ? type.toLowerCase() : null;
}

/** Pure: what the checks say about one number. */
export function validateNumber(input: string, options: ValidateOptions): IDataObject {
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
		};
	}
	const refused = destinationProblem(phone, {
		allowedCountries: options.allowedCountries,
		blockSpecialNumbers: options.blockPremiumNumbers,
	});
	return {
		phone_number: input,
		valid: true,
		e164: phone.e164,
		country: phone.country ?? null,
		type: typeName(phone.type),
		allowed: refused === undefined,
		reason: refused ?? null,
	};
}

/** No request: the number is checked here, so an invalid one is a result, not an error. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
	const input = String(this.getNodeParameter('phoneNumber', i, '') ?? '').trim();
	const options = this.getNodeParameter('options', i, {}) as ValidateOptions;
	const result = validateNumber(input, options);
	const json = options.includeInputFields ? { ...this.getInputData()[i].json, ...result } : result;
	return [{ json, pairedItem: { item: i } }];
}
