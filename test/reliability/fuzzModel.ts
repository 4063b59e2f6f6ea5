// Random node executions against the sandbox and the invariants every one of them must keep.
// Shared by test/reliability/fuzz.test.ts (small, in jest) and scripts/reliability.ts (at scale).
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { checkPhoneNumber } from '../../nodes/shared/helpers/phone';
import {
	FAULT_KINDS,
	SEED,
	type FaultKind,
	type FaultRoute,
	type FaultSpec,
	type Sandbox,
} from '../../sandbox';
import { runNode, type RunResult } from '../helpers/engine';
import { IDENTIFIER_ATTACKS } from '../helpers/identifierAttacks';

export const KEYS = [SEED.apiKey, SEED.otherOrgApiKey, SEED.archivedApiKey];
const KEY_FORMS = KEYS.flatMap((key) => [
	key,
	key.replace(/^sk-sandbox-/, ''),
	Buffer.from(key).toString('base64'),
]);

const A = SEED.agents;
const GOOD_UUIDS = [
	A.renewal.workflowUuid,
	A.appointment.workflowUuid,
	A.leadQualifier.workflowUuid,
	A.archived.workflowUuid,
	A.noOwner.workflowUuid,
	SEED.otherOrgAgent.workflowUuid,
];
const GOOD_PATHS = [
	A.renewal.triggerPath,
	A.appointment.triggerPath,
	A.appointment.draftOnlyTriggerPath,
	A.leadQualifier.triggerPath,
	A.archived.triggerPath,
	A.noOwner.triggerPath,
	SEED.otherOrgAgent.triggerPath,
];

/** Identifier attacks: the shared list, plus empty values, object keys and seed look-alikes. */
export const ATTACKS = [
	...IDENTIFIER_ATTACKS,
	'',
	' ',
	`${A.renewal.workflowUuid}/../x`,
	`${A.renewal.workflowUuid}?`,
	`${A.renewal.triggerPath}#`,
	'a'.repeat(37),
	'__proto__',
	'constructor',
];

const PART = fc.constantFrom(
	'..',
	'/',
	'?',
	'#',
	'%',
	'%2e',
	'%2F',
	' ',
	'\u200b',
	'\uff0f',
	'a',
	'Z',
	'0',
	'-',
	'_',
	'\\',
	';',
	'@',
);
const attackString = fc.oneof(
	fc.constantFrom(...ATTACKS),
	fc.array(PART, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

// ---------------------------------------------------------------------------------------------
// Scenario model

type PhoneKind =
	| {
			kind:
				| 'answered'
				| 'busy'
				| 'noAnswer'
				| 'voicemail'
				| 'failedBeforeStart'
				| 'providerRejected'
				| 'neverCompletes';
	  }
	| { kind: 'national' }
	| { kind: 'premium' | 'norway' | 'uk' | 'tollFree' }
	| { kind: 'asNumber' }
	| { kind: 'bad'; text: string };

const SUFFIX: Record<string, string> = {
	busy: '0001',
	noAnswer: '0002',
	voicemail: '0003',
	failedBeforeStart: '0004',
	providerRejected: '0005',
	neverCompletes: '0009',
};

const BAD_PHONES = [
	'',
	'12',
	'call me',
	'+1415',
	'+1 415 555 267',
	'4155552671',
	'+44 7700 900123',
	'+1 415 555 26711',
	'+0 123',
	'++14155552671',
	'+1-900',
	'tel:',
	'٣٣٣',
	'1'.repeat(40),
	'null',
	'+1 (415) 555-2671 ext',
	'{{x}}',
];

const phoneKind: fc.Arbitrary<PhoneKind> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc
			.constantFrom(
				'answered',
				'busy',
				'noAnswer',
				'voicemail',
				'failedBeforeStart',
				'providerRejected',
				'neverCompletes',
			)
			.map((kind) => ({ kind }) as PhoneKind),
	},
	{ weight: 2, arbitrary: fc.constant({ kind: 'national' } as PhoneKind) },
	{
		weight: 2,
		arbitrary: fc
			.constantFrom('premium', 'norway', 'uk', 'tollFree')
			.map((kind) => ({ kind }) as PhoneKind),
	},
	{ weight: 1, arbitrary: fc.constant({ kind: 'asNumber' } as PhoneKind) },
	{
		weight: 3,
		arbitrary: fc
			.oneof(
				fc.constantFrom(...BAD_PHONES),
				fc.string({ maxLength: 14 }),
				fc.stringMatching(/^\+?[0-9 ()-]{0,18}$/),
			)
			.map((text) => ({ kind: 'bad', text }) as PhoneKind),
	},
);

type Identifier = { good: true; value: string } | { good: false; value: string };

const triggerIdentifier = (byPath: boolean): fc.Arbitrary<Identifier> =>
	fc.oneof(
		{
			weight: 6,
			arbitrary: fc
				.constantFrom(...(byPath ? GOOD_PATHS : GOOD_UUIDS))
				.map((value) => ({ good: true, value }) as Identifier),
		},
		{
			weight: 1,
			arbitrary: (byPath ? fc.stringMatching(/^[A-Za-z0-9_-]{1,36}$/) : fc.uuid()).map(
				(value) => ({ good: true, value }) as Identifier,
			),
		},
		{
			weight: 1,
			arbitrary: fc
				.constantFrom(...(byPath ? GOOD_PATHS : GOOD_UUIDS))
				.map((value) => ({ good: true, value: ` ${value.toUpperCase()} ` }) as Identifier),
		},
		{ weight: 3, arbitrary: attackString.map((value) => ({ good: false, value }) as Identifier) },
	);

const BIG = 'x'.repeat(33 * 1024);
const DEEP = `${'{"a":'.repeat(5400)}1${'}'.repeat(5400)}`;
const BAD_JSON_CONTEXTS = [
	'[1,2]',
	'"text"',
	'42',
	'null',
	'{"a":',
	'{"__proto__":{"admin":true}}',
	'{"a":{"constructor":{"prototype":1}}}',
	`{"notes":"${BIG}"}`,
	DEEP,
	'{"a":1,}',
	'\u0000',
];
const GOOD_JSON_CONTEXTS = [
	'{}',
	'',
	'{"customer_name":"Jane","visits":3,"vip":true,"tags":["a"],"address":{"city":"Oslo"},"none":null}',
	'{"ünïcödé":"😀","a b":"c"}',
];

const jsonContext = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...GOOD_JSON_CONTEXTS) },
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
	{ weight: 2, arbitrary: fc.constantFrom(...BAD_JSON_CONTEXTS) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const contextKey = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom('customer_name', 'appointment', 'ünïcödé', 'a.b', 'a b'),
	},
	{
		weight: 1,
		arbitrary: fc.constantFrom('', ' ', '__proto__', 'constructor', 'prototype', 'name'),
	},
	{ weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

const countryValue = fc.oneof(
	{ weight: 4, arbitrary: fc.constant(undefined) },
	{ weight: 3, arbitrary: fc.constantFrom('US', 'NO', 'GB', 'us', ' gb ') },
	{ weight: 1, arbitrary: fc.constantFrom('XX', 'USA', '', '__proto__', '1') },
);

const telephonyValue = fc.oneof(
	{ weight: 6, arbitrary: fc.constant(undefined) },
	{ weight: 2, arbitrary: fc.constantFrom(0, 7, '7') },
	{ weight: 2, arbitrary: fc.constantFrom(8, 9, 12345, -1, 1.5, 'abc', '7; drop', ' 7 ', 1e21) },
);

export interface TriggerItemSpec {
	identifier: Identifier;
	phone: PhoneKind;
	draft: boolean;
	country?: string;
	telephony?: unknown;
	context: string;
	contextKey: string;
	contextValue: unknown;
}

export interface GetRunItemSpec {
	workflowId: unknown;
	runId: unknown;
}

export interface FaultPlan {
	kind: FaultKind;
	route: FaultRoute;
	times: number;
	/** Index of the item whose phone the fault is limited to (trigger route only). */
	item?: number;
	delayMs: number;
}

export interface Scenario {
	operation: 'trigger' | 'getRun';
	byPath: boolean;
	contextInput: 'keyValue' | 'json';
	waiting: boolean;
	options: IDataObject;
	triggerItems: TriggerItemSpec[];
	getRunItems: GetRunItemSpec[];
	faults: FaultPlan[];
}

type Field = 'identifier' | 'phone' | 'context' | 'telephony' | 'country';

/** Mostly sound items with at most one bad field each, so both the checks and the calls get exercised. */
const triggerItem = (byPath: boolean): fc.Arbitrary<TriggerItemSpec> =>
	fc
		.record({
			bad: fc.option(
				fc.constantFrom<Field>('identifier', 'phone', 'context', 'telephony', 'country'),
				{ freq: 2 },
			),
			goodIdentifier: fc.oneof(
				{
					weight: 4,
					arbitrary: fc.constant<Identifier>({
						good: true,
						value: byPath ? A.renewal.triggerPath : A.renewal.workflowUuid,
					}),
				},
				{ weight: 1, arbitrary: triggerIdentifier(byPath).filter((id) => id.good) },
			),
			badIdentifier: triggerIdentifier(byPath).filter((id) => !id.good),
			goodPhone: phoneKind.filter((kind) => kind.kind !== 'bad'),
			badPhone: phoneKind.filter((kind) => kind.kind === 'bad'),
			draft: fc.boolean(),
			goodCountry: fc.constantFrom(undefined, undefined, 'US', 'us'),
			badCountry: countryValue,
			goodTelephony: fc.constantFrom(undefined, undefined, 0, 7, '7'),
			badTelephony: telephonyValue,
			goodContext: fc.constantFrom(...GOOD_JSON_CONTEXTS),
			badContext: jsonContext,
			goodKey: fc.constantFrom('appointment', 'ünïcödé', 'a.b'),
			badKey: contextKey,
			contextValue: fc.oneof(
				fc.string({ maxLength: 12 }),
				fc.integer(),
				fc.boolean(),
				fc.constant(null),
				fc.jsonValue({ maxDepth: 2 }),
			),
		})
		.map((g) => ({
			identifier: g.bad === 'identifier' ? g.badIdentifier : g.goodIdentifier,
			phone: g.bad === 'phone' ? g.badPhone : g.goodPhone,
			draft: g.draft,
			// A national number needs a default country.
			country:
				g.bad === 'country' ? g.badCountry : g.goodPhone.kind === 'national' ? 'US' : g.goodCountry,
			telephony: g.bad === 'telephony' ? g.badTelephony : g.goodTelephony,
			context: g.bad === 'context' ? g.badContext : g.goodContext,
			contextKey: g.bad === 'context' ? g.badKey : g.goodKey,
			contextValue: g.contextValue,
		}));

const runIdValue = fc.oneof(
	{ weight: 5, arbitrary: fc.constantFrom(...Object.values(SEED.runs)) },
	{ weight: 2, arbitrary: fc.constantFrom('created', 'created', 99_999, '48190', ' 48191 ') },
	{
		weight: 2,
		arbitrary: fc.oneof(
			attackString,
			fc.constantFrom(0, -1, 1.5, 2 ** 60, null, 'abc', '48190/../1', '48190?x=1'),
		),
	},
);

const getRunItem: fc.Arbitrary<GetRunItemSpec> = fc.record({
	workflowId: fc.oneof(
		{ weight: 5, arbitrary: fc.constantFrom(312, 313, '312', 401) },
		{ weight: 1, arbitrary: fc.oneof(attackString, fc.constantFrom(0, 'abc', -3)) },
	),
	runId: runIdValue,
});

const FAULT_KINDS_NO_HANG = FAULT_KINDS.filter((kind) => kind !== 'hang');

function faultPlan(itemCount: number, allowInfinity: boolean): fc.Arbitrary<FaultPlan> {
	const limited = fc.record({
		kind: fc.constantFrom<FaultKind>(...FAULT_KINDS_NO_HANG, 'hang'),
		route: fc.constant<FaultRoute>('trigger'),
		times: fc.constant(1),
		item: fc.nat({ max: Math.max(0, itemCount - 1) }),
		delayMs: fc.integer({ min: 50, max: 400 }),
	});
	// A hang anywhere but a trigger (which has Request Timeout) would hold a read for 30 s.
	const anywhere = fc.record({
		kind: fc.constantFrom(...FAULT_KINDS_NO_HANG),
		route: fc.constantFrom<FaultRoute>('trigger', 'getRun', 'listAgents', 'download', 'any'),
		times: allowInfinity
			? fc.oneof(
					{ weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) },
					{ weight: 1, arbitrary: fc.constant(Infinity) },
				)
			: fc.integer({ min: 1, max: 3 }),
		delayMs: fc.integer({ min: 50, max: 400 }),
	});
	return fc.oneof(limited, anywhere) as fc.Arbitrary<FaultPlan>;
}

export function scenarioArbitrary(
	maxItems: number,
	options: { allowInfinity?: boolean } = {},
): fc.Arbitrary<Scenario> {
	return fc
		.record({
			operation: fc.constantFrom<'trigger' | 'getRun'>('trigger', 'trigger', 'trigger', 'getRun'),
			byPath: fc.boolean(),
			contextInput: fc.constantFrom<'keyValue' | 'json'>('keyValue', 'json'),
			waiting: fc.boolean(),
			itemCount: fc.integer({ min: 1, max: maxItems }),
			options: fc.record(
				{
					allowedCountries: fc.constantFrom([], [], ['US'], ['NO', 'GB'], ['US', 'NO']),
					blockPremiumNumbers: fc.constantFrom(undefined, true, false),
					maxConcurrentCalls: fc.integer({ min: 1, max: 10 }),
					timeoutSeconds: fc.constant(1),
					callLimitWaitSeconds: fc.constant(2),
					pollIntervalSeconds: fc.constant(0.05),
					maxWaitSeconds: fc.constantFrom(0.3, 0.6, 1),
					includeTranscript: fc.boolean(),
					simplify: fc.boolean(),
					routeByOutcome: fc.boolean(),
				},
				{
					requiredKeys: [
						'maxConcurrentCalls',
						'timeoutSeconds',
						'callLimitWaitSeconds',
						'pollIntervalSeconds',
						'maxWaitSeconds',
					],
				},
			),
		})
		.chain((base) =>
			fc.record({
				operation: fc.constant(base.operation),
				byPath: fc.constant(base.byPath),
				contextInput: fc.constant(base.contextInput),
				waiting: fc.constant(base.waiting),
				options: fc.constant(base.options as IDataObject),
				triggerItems: fc.array(triggerItem(base.byPath), {
					minLength: base.itemCount,
					maxLength: base.itemCount,
				}),
				getRunItems: fc.array(getRunItem, { minLength: base.itemCount, maxLength: base.itemCount }),
				faults: fc.array(faultPlan(base.itemCount, options.allowInfinity ?? true), {
					maxLength: 3,
				}),
			}),
		);
}

// ---------------------------------------------------------------------------------------------
// Turning a scenario into a node execution

const AREA_CODES = [
	201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225,
	228,
];

/** Hands out numbers that are never reused in this process, so a second dial is always a bug. */
export class PhoneBook {
	private serial = 0;
	private readonly claimed = new Set<string>();

	/** False when the number was already handed out (a "bad" text can normalise to a real number). */
	claim(e164: string): boolean {
		if (this.claimed.has(e164)) return false;
		this.claimed.add(e164);
		return true;
	}

	next(kind: PhoneKind): unknown {
		const n = this.serial++;
		const area = AREA_CODES[n % AREA_CODES.length];
		const exchange = 200 + (Math.floor(n / AREA_CODES.length) % 800);
		const block = Math.floor(n / (AREA_CODES.length * 800));
		const last4 = String(1000 + ((n * 7919) % 9000)).padStart(4, '0');
		switch (kind.kind) {
			case 'answered':
				return `+1${area}${exchange}${last4}`;
			case 'busy':
			case 'noAnswer':
			case 'voicemail':
			case 'failedBeforeStart':
			case 'providerRejected':
			case 'neverCompletes':
				return `+1${AREA_CODES[(n + block) % AREA_CODES.length]}${exchange}${SUFFIX[kind.kind]}`;
			case 'national':
				return `(${area}) ${exchange}-${last4}`;
			case 'asNumber':
				return Number(`1${area}${exchange}${last4}`);
			case 'premium':
				return `+1900${exchange}${last4}`;
			case 'tollFree':
				return `+1800${exchange}${last4}`;
			case 'norway':
				return `+47 4${String(n).padStart(7, '0').slice(-7)}`;
			case 'uk':
				return `+44 7400 ${String(n).padStart(6, '0').slice(-6)}`;
			case 'bad':
				return kind.text;
		}
	}
}

export interface ExecutionStats {
	itemsIn: number;
	itemsOut: number;
	duplicates: number;
	keyLeaks: number;
	faults: number;
	badInputs: Set<string>;
	violations: string[];
	phones: string[];
}

/**
 * A waited call that never ends keeps its live-call slot (calling/session.ts), so the scenario gives
 * the other items at least one slot besides those calls: the node would otherwise rightly wait for
 * the platform's stale timeout before dialling them.
 */
function slotsFor(scenario: Scenario): number {
	const given = scenario.options.maxConcurrentCalls as number;
	if (!scenario.waiting) return given;
	const neverEnding = scenario.triggerItems.filter(
		(item) => item.phone.kind === 'neverCompletes',
	).length;
	return Math.max(given, neverEnding + 1);
}

function triggerParameters(scenario: Scenario): INodeParameters {
	return {
		resource: 'call',
		operation: 'trigger',
		agentIdType: scenario.byPath ? 'triggerUuid' : 'workflowUuid',
		...(scenario.byPath
			? { triggerUuid: '={{ $json.agent }}' }
			: { agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' } }),
		useDraft: '={{ $json.draft }}',
		phoneNumber: '={{ $json.phone }}',
		contextInput: scenario.contextInput,
		initialContext: {
			values: [
				{ key: 'customer_name', value: '={{ $json.name }}' },
				{ key: '={{ $json.ctxKey }}', value: '={{ $json.ctxValue }}' },
			],
		},
		initialContextJson: '={{ $json.ctx }}',
		waitForCompletion: scenario.waiting,
		options: {
			...scenario.options,
			maxConcurrentCalls: slotsFor(scenario),
			defaultCountry: '={{ $json.country ?? "" }}',
			telephonyConfigurationId: '={{ $json.telephony ?? 0 }}',
		},
	};
}

function getRunParameters(scenario: Scenario): INodeParameters {
	const {
		maxWaitSeconds,
		pollIntervalSeconds,
		includeTranscript,
		simplify,
		routeByOutcome,
		timeoutSeconds,
	} = scenario.options;
	return {
		resource: 'call',
		operation: 'getRun',
		waitForCompletion: scenario.waiting,
		options: Object.fromEntries(
			Object.entries({
				maxWaitSeconds,
				pollIntervalSeconds,
				includeTranscript,
				simplify,
				routeByOutcome,
				timeoutSeconds,
			}).filter(([, value]) => value !== undefined),
		) as INodeParameters,
	};
}

const ALLOWED_REQUESTS: Array<[string, RegExp]> = [
	['POST', /^\/api\/v1\/public\/agent\/(test\/)?(workflow\/)?[A-Za-z0-9_-]{1,36}$/],
	// workflow_id 0: waiting after a call whose agent id could not be looked up (the API ignores it).
	['GET', /^\/api\/v1\/workflow\/(0|[1-9][0-9]*)\/runs\/[1-9][0-9]*$/],
	['GET', /^\/api\/v1\/workflow\/fetch$/],
	['GET', /^\/api\/v1\/workflow\/fetch\/[1-9][0-9]*$/],
	['GET', /^\/api\/v1\/public\/download\/workflow\/[A-Za-z0-9-]+\/(transcript|recording)$/],
];

function hasKey(text: string): boolean {
	return KEY_FORMS.some((form) => text.includes(form));
}

/** Checks the requests the sandbox saw since the last check, then forgets them. */
export function checkRequests(
	sandbox: Sandbox,
	identifiers: Set<string>,
	violations: string[],
): void {
	for (const request of sandbox.requests) {
		const allowed = ALLOWED_REQUESTS.some(
			([method, pattern]) => request.method === method && pattern.test(request.path),
		);
		if (!allowed)
			violations.push(`request outside the allowed routes: ${request.method} ${request.path}`);
		if (request.method === 'POST') {
			const identifier = request.path.split('/').pop()!;
			if (!identifiers.has(identifier))
				violations.push(`trigger to an identifier no item asked for: ${request.path}`);
		}
		if (request.path.includes('/public/download/') && hasKey(JSON.stringify(request.headers)))
			violations.push(`API key sent to the public download route: ${request.path}`);
		if (!request.path.includes('/public/download/') && request.headers['x-api-key'] !== SEED.apiKey)
			violations.push(`request without the credential's key: ${request.path}`);
	}
	for (const request of sandbox.storageRequests) {
		if (hasKey(JSON.stringify(request)))
			violations.push(`API key sent to the storage origin: ${request.path}`);
	}
	sandbox.clearRequests();
}

function injectFaults(sandbox: Sandbox, scenario: Scenario, phones: unknown[]): number {
	let injected = 0;
	for (const plan of scenario.faults) {
		const spec: FaultSpec = {
			kind: plan.kind,
			route: plan.route,
			times: plan.times,
			delayMs: plan.delayMs,
		};
		if (plan.item !== undefined) {
			const e164 = e164Of(phones[plan.item], scenario.triggerItems[plan.item]?.country);
			if (scenario.operation !== 'trigger' || !e164) continue;
			spec.phone = e164;
		}
		sandbox.faults.inject(spec);
		injected++;
	}
	return injected;
}

function e164Of(phone: unknown, country: unknown): string | undefined {
	const check = checkPhoneNumber(
		String(phone ?? ''),
		typeof country === 'string' ? country : undefined,
	);
	return check.valid ? check.e164 : undefined;
}

function noteBadInputs(scenario: Scenario, items: IDataObject[], bad: Set<string>): void {
	if (scenario.operation === 'getRun') {
		for (const item of items) {
			for (const field of ['workflow_id', 'workflow_run_id'] as const) {
				if (!/^[1-9][0-9]*$/.test(String(item[field]).trim()))
					bad.add(`${field}:${JSON.stringify(item[field])}`);
			}
		}
		return;
	}
	for (const [i, spec] of scenario.triggerItems.entries()) {
		const item = items[i];
		if (!spec.identifier.good) bad.add(`identifier:${JSON.stringify(spec.identifier.value)}`);
		if (!e164Of(item.phone, spec.country)) bad.add(`phone:${JSON.stringify(item.phone)}`);
		if (spec.phone.kind === 'premium') bad.add(`phone:premium:${String(item.phone)}`);
		if (scenario.contextInput === 'json' && !GOOD_JSON_CONTEXTS.includes(spec.context))
			bad.add(`context:${spec.context.slice(0, 80)}`);
		if (
			scenario.contextInput === 'keyValue' &&
			['', ' ', '__proto__', 'constructor', 'prototype', 'customer_name'].includes(spec.contextKey)
		)
			bad.add(`contextKey:${spec.contextKey}`);
		if (spec.telephony !== undefined && ![0, 7, '7'].includes(spec.telephony as never))
			bad.add(`telephony:${JSON.stringify(spec.telephony)}`);
		if (spec.country !== undefined && !['US', 'NO', 'GB', 'us', ' gb '].includes(spec.country))
			bad.add(`country:${JSON.stringify(spec.country)}`);
	}
}

/**
 * Runs one scenario (Continue On Fail on) and checks: one output item per input item, each paired
 * with its input; every error item says what went wrong; no key in any output or error; every
 * request on an allowed route, to an identifier an item asked for; no key to the storage origin.
 * Dial counts are checked by the caller across all scenarios (`countDuplicates`).
 */
export async function runScenario(
	sandbox: Sandbox,
	scenario: Scenario,
	book: PhoneBook,
	createdRuns: number[],
	/** Shared: other executions run at the same time, so the caller checks requests and clears faults. */
	shared?: { identifiers: Set<string> },
): Promise<ExecutionStats & { result: RunResult }> {
	const violations: string[] = [];
	const identifiers = shared?.identifiers ?? new Set<string>();
	const badInputs = new Set<string>();
	let items: IDataObject[];
	const phones: string[] = [];

	if (scenario.operation === 'trigger') {
		items = scenario.triggerItems.map((spec, i) => {
			let phone = book.next(spec.phone);
			let e164 = e164Of(phone, spec.country);
			if (e164 && !book.claim(e164)) {
				// Never ask for the same number twice, so any second dial is the node's doing.
				phone = book.next({ kind: 'answered' });
				e164 = e164Of(phone, spec.country);
				if (e164) book.claim(e164);
			}
			if (e164) phones.push(e164);
			identifiers.add(spec.identifier.value.trim());
			identifiers.add(spec.identifier.value.trim().toLowerCase());
			return {
				agent: spec.identifier.value,
				phone,
				draft: spec.draft,
				name: `Customer ${i}`,
				country: spec.country,
				telephony: spec.telephony,
				ctx: spec.context,
				ctxKey: spec.contextKey,
				ctxValue: spec.contextValue,
			} as IDataObject;
		});
	} else {
		items = scenario.getRunItems.map((spec) => ({
			workflow_id: spec.workflowId,
			workflow_run_id:
				spec.runId === 'created'
					? (createdRuns[createdRuns.length - 1] ?? SEED.runs.answered)
					: spec.runId,
		})) as IDataObject[];
	}
	noteBadInputs(scenario, items, badInputs);
	const faults = injectFaults(
		sandbox,
		scenario,
		items.map((item) => item.phone),
	);

	const result = await runNode({
		parameters:
			scenario.operation === 'trigger' ? triggerParameters(scenario) : getRunParameters(scenario),
		items,
		credentials: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl },
		continueOnFail: true,
	});
	if (!shared) sandbox.faults.clear();

	const out: INodeExecutionData[] = result.outputs.flat();
	if (result.error)
		violations.push(`the node failed as a whole under Continue On Fail: ${result.error.message}`);
	if (out.length !== items.length) violations.push(`${items.length} items in, ${out.length} out`);
	const paired = out
		.map((item) => (item.pairedItem as { item?: number } | undefined)?.item)
		.sort((a, b) => (a ?? -1) - (b ?? -1));
	if (JSON.stringify(paired) !== JSON.stringify(items.map((_, i) => i)))
		violations.push(`pairing broken: ${JSON.stringify(paired)}`);
	for (const item of out) {
		const json = item.json;
		// Simplify rows under Continue On Fail carry `error: null` when the item went through.
		if (
			json.error !== null &&
			'error' in json &&
			(typeof json.error !== 'string' || json.error.length < 10)
		)
			violations.push(`unclear error: ${JSON.stringify(json.error)}`);
		if (typeof json.workflow_run_id === 'number') createdRuns.push(json.workflow_run_id);
	}
	const keyLeaks = [
		JSON.stringify(out),
		result.error
			? JSON.stringify({
					m: result.error.message,
					d: result.error.description,
					c: result.error.context,
				})
			: '',
	].filter(hasKey).length;
	if (keyLeaks > 0) violations.push('an API key is in the output or the error');
	if (!shared) checkRequests(sandbox, identifiers, violations);

	return {
		result,
		itemsIn: items.length,
		itemsOut: out.length,
		duplicates: 0,
		keyLeaks,
		faults,
		badInputs,
		violations,
		phones,
	};
}

/** Calls placed more than once for the same number, over every phone handed out so far. */
export function countDuplicates(
	sandbox: Sandbox,
	phones: Iterable<string>,
): { duplicates: number; examples: string[] } {
	let duplicates = 0;
	const examples: string[] = [];
	for (const phone of new Set(phones)) {
		const dials = sandbox.dials(phone);
		if (dials > 1) {
			duplicates += dials - 1;
			if (examples.length < 5) examples.push(`${phone} dialled ${dials} times`);
		}
	}
	return { duplicates, examples };
}
