// The webhook door: deliveries as Sysevo renders them and as nobody should send them, to
// webhook-mode triggers run in n8n-core's real WebhookContext (test/trigger/harness.ts).
//
// Kept for every trigger: a request without the right secret is refused (401) and starts
// nothing; a delivery whose run id can be read is answered 200 and its run emitted exactly once,
// however often and however concurrently it is repeated; one without a readable run id is
// answered 400; no answer is a 5xx; the secret is in no answer, no emitted item, no log line and
// no request the trigger makes (transcript downloads go to a recording server here).
import fc from 'fast-check';
import type { INodeParameters } from 'n8n-workflow';

import { DEFAULT_PAYLOAD_TEMPLATE, renderTemplate } from '../../../sandbox';
import { recordLog, WEBHOOK_TEST_SECRETS } from '../../helpers/leaks';
import { startServer } from '../../helpers/servers';
import { webhookTrigger } from '../../trigger/harness';
import { inputKey, newFigures, percentile, Random, samples, type DoorFigures } from './figures';

type SecretVariant =
	| 'right'
	| 'nameCase'
	| 'padded'
	| 'bearer'
	| 'valueCase'
	| 'wrong'
	| 'absent'
	| 'prefix'
	| 'truncated'
	| 'otherHeader'
	| 'basic';

type FieldVariant =
	| 'normal'
	| 'empty'
	| 'missing'
	| 'wrapped'
	| 'newlines'
	| 'windowsPath'
	| 'emoji'
	| 'invalidUtf8';

type BodyKind = 'rendered' | 'truncated' | 'deep' | 'notObject' | 'badRunId';

interface TriggerSetup {
	name: string;
	headerName: string;
	secret: string;
	parameters: INodeParameters;
	credential: boolean;
}

interface Delivery {
	runId: number;
	deliveryId: string;
	body: Buffer;
	headers: Record<string, string>;
	/** The run the trigger must emit for it, when its secret and run id are right. */
	expectedRun: number | undefined;
	secretAccepted: boolean;
	bad: string[];
}

const INVALID_UTF8_MARKER = 'QQINVALIDUTF8QQ';
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
const FIELDS = Object.keys(DEFAULT_PAYLOAD_TEMPLATE);
const OBJECT_FIELDS = new Set(['initial_context', 'gathered_context', 'cost_info', 'annotations']);

function secretOracle(variant: SecretVariant, authorization: boolean): boolean {
	if (['right', 'nameCase', 'padded'].includes(variant)) return true;
	if (variant === 'bearer') return authorization;
	return false;
}

function secretHeaders(
	setup: TriggerSetup,
	variant: SecretVariant,
	random: Random,
	wrong: string,
): Record<string, string> {
	const authorization = setup.headerName.toLowerCase() === 'authorization';
	const right = authorization ? `Bearer ${setup.secret}` : setup.secret;
	switch (variant) {
		case 'right':
			return { [setup.headerName]: right };
		case 'nameCase':
			return {
				[random.chance(0.5) ? setup.headerName.toUpperCase() : setup.headerName.toLowerCase()]:
					right,
			};
		case 'padded':
			return { [setup.headerName]: ` ${right}\t` };
		case 'bearer':
			return {
				[setup.headerName]: `${random.pick(['Bearer', 'bearer', 'BEARER'])}${' '.repeat(random.int(1, 3))}${setup.secret}`,
			};
		case 'valueCase':
			return { [setup.headerName]: right.toUpperCase() };
		case 'wrong':
			return { [setup.headerName]: wrong };
		case 'absent':
			return {};
		case 'prefix':
			return { [setup.headerName]: `${right}${wrong.slice(0, 3) || 'x'}` };
		case 'truncated':
			return { [setup.headerName]: right.slice(0, random.int(0, right.length - 1)) };
		case 'otherHeader':
			return { [authorization ? 'X-Sysevo-Secret' : 'Authorization']: `Bearer ${setup.secret}` };
		case 'basic':
			return {
				[setup.headerName]: `Basic ${Buffer.from(`user:${setup.secret}`).toString('base64')}`,
			};
	}
}

/** The run's values before rendering, with the text a field variant asks for. */
function runContext(runId: number, text: string, linkBase: string): Record<string, unknown> {
	return {
		workflow_run_id: runId,
		workflow_run_name: `WR-API-${runId}`,
		workflow_id: 312,
		workflow_name: `Renewal ${text}`,
		campaign_id: null,
		call_time: '2026-06-20T14:03:11.512345+00:00',
		initial_context: {
			phone_number: '+14155552671',
			customer_name: text,
			trigger_mode: 'production',
		},
		gathered_context: {
			call_disposition: 'user_hangup',
			call_tags: ['user_speech'],
			extracted_variables: { summary: text, share: 'C:\\new\\files' },
		},
		cost_info: { call_duration_seconds: 42.5 },
		annotations: {},
		recording_url: `${linkBase}/recording/${runId}`,
		transcript_url: `${linkBase}/transcript/${runId}`,
	};
}

function fieldText(variant: FieldVariant, noise: string): string {
	switch (variant) {
		case 'newlines':
			return `line one\nline two\\nstill two\r\n${noise}`;
		case 'windowsPath':
			return `C:\\new\\table ${noise} \\n`;
		case 'emoji':
			return `😀 ${noise} 👩‍👩‍👧 ✓`;
		case 'invalidUtf8':
			return `${noise}${INVALID_UTF8_MARKER}`;
		default:
			return noise;
	}
}

/** A body the agent's Webhook node renders from a template with some fields changed. */
function renderedBody(
	runId: number,
	random: Random,
	noise: string,
	transcriptBase: string,
): { text: string; runIdReadable: boolean; variants: FieldVariant[] } {
	const template: Record<string, unknown> = { ...DEFAULT_PAYLOAD_TEMPLATE };
	const variants: FieldVariant[] = [];
	const values = runContext(runId, noise, transcriptBase);
	for (const field of FIELDS) {
		const variant: FieldVariant = random.chance(0.6)
			? 'normal'
			: random.pick([
					'empty',
					'missing',
					'wrapped',
					'newlines',
					'windowsPath',
					'emoji',
					'invalidUtf8',
				]);
		variants.push(variant);
		if (variant === 'missing') delete template[field];
		else if (variant === 'empty') values[field] = null;
		else if (variant === 'wrapped') template[field] = `${field}: {{${field}}} (end)`;
		else if (variant !== 'normal' && !OBJECT_FIELDS.has(field) && field !== 'workflow_run_id')
			values[field] = fieldText(variant, noise);
		else if (variant !== 'normal' && OBJECT_FIELDS.has(field))
			values[field] = { ...(values[field] as object), note: fieldText(variant, noise) };
	}
	const rendered = renderTemplate(template, values) as Record<string, unknown>;
	const runIdVariant = variants[FIELDS.indexOf('workflow_run_id')];
	return {
		text: JSON.stringify(rendered),
		runIdReadable: ['normal', 'newlines', 'windowsPath', 'emoji', 'invalidUtf8'].includes(
			runIdVariant,
		),
		variants,
	};
}

function encode(text: string): Buffer {
	const parts = text.split(INVALID_UTF8_MARKER);
	return Buffer.concat(
		parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [INVALID_UTF8, Buffer.from(part)])),
	);
}

function deepBody(runId: number, depth: number, arrays: boolean): string {
	const open = arrays ? '[' : '{"a":';
	const close = arrays ? ']' : '}';
	return `{"workflow_run_id":"${runId}","extra":${open.repeat(depth)}1${close.repeat(depth)}}`;
}

const BAD_RUN_IDS = [
	'',
	' ',
	'None',
	'null',
	'0',
	'-1',
	'1.5',
	'abc',
	'48213x',
	'1e3',
	'9'.repeat(20),
	'{{workflow_run_id}}',
];

interface Answer {
	status: number;
	text: string;
	ms: number;
}

async function post(
	url: string,
	delivery: Delivery,
	contentType: string | undefined,
): Promise<Answer> {
	const started = performance.now();
	const response = await fetch(url, {
		method: 'POST',
		headers: { ...(contentType ? { 'content-type': contentType } : {}), ...delivery.headers },
		body: delivery.body,
	});
	const text = await response.text();
	recordLog('webhook answer', `${response.status} ${text}`);
	return { status: response.status, text, ms: performance.now() - started };
}

const SETUPS: TriggerSetup[] = [
	{
		name: 'credential, custom header',
		headerName: 'X-Sysevo-Secret',
		secret: WEBHOOK_TEST_SECRETS.credential,
		parameters: {},
		credential: true,
	},
	{
		name: 'credential, Authorization: Bearer',
		headerName: 'Authorization',
		secret: WEBHOOK_TEST_SECRETS.credential,
		parameters: { options: { simplify: true } },
		credential: true,
	},
	{
		name: 'secret saved as a parameter, transcript on',
		headerName: 'X-Sysevo-Secret',
		secret: WEBHOOK_TEST_SECRETS.legacy,
		parameters: {
			secret: WEBHOOK_TEST_SECRETS.legacy,
			headerName: 'X-Sysevo-Secret',
			options: { includeTranscript: true },
		},
		credential: false,
	},
];

export async function fuzzWebhook(
	seed: number,
	deliveriesPerTrigger: number,
): Promise<DoorFigures> {
	const figures = newFigures('webhook trigger');
	const random = new Random(seed);
	const noises = samples(
		fc.oneof(
			fc.string({ unit: 'grapheme', maxLength: 24 }),
			fc.string({ unit: 'binary', maxLength: 16 }),
			fc.constantFrom('', ' ', '"', '\\', '\\n', '{{x}}', '</script>', '${x}', "'; DROP"),
		),
		400,
		seed,
	);
	const wrongSecrets = samples(
		fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '')),
		200,
		seed + 1,
	).filter((s) => s.trim() !== '');
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	// Transcripts (and anything else the trigger fetches) go here; it must never see the secret.
	const outbound = await startServer(() => ({
		status: 200,
		headers: { 'content-type': 'text/plain' },
		body: 'user: hello\nassistant: hi',
	}));
	let nextRun = 7_000_000 + (seed % 1000) * 10_000;
	try {
		for (const setup of SETUPS) {
			const trigger = await webhookTrigger(
				setup.parameters,
				setup.credential
					? { credential: { headerName: setup.headerName, secret: setup.secret } }
					: {},
			);
			const authorization = setup.headerName.toLowerCase() === 'authorization';
			const sent: Delivery[] = [];
			const expectedRuns = new Set<number>();
			const rejectedOnlyRuns = new Set<number>();
			try {
				let remaining = deliveriesPerTrigger;
				while (remaining > 0) {
					const batch: Array<{ delivery: Delivery; contentType: string | undefined }> = [];
					while (batch.length < 16 && remaining > 0) {
						const delivery = makeDelivery();
						const copies = random.chance(0.08) ? random.int(2, 5) : 1;
						const contentType = random.pick([
							'application/json',
							'application/json',
							'application/json; charset=utf-8',
							'APPLICATION/JSON',
							'text/plain',
							undefined,
						]);
						if (copies > 1) delivery.bad.push(`concurrent x${copies}`);
						for (let c = 0; c < copies && remaining > 0; c++, remaining--)
							batch.push({ delivery, contentType });
					}
					const answers = await Promise.all(
						batch.map(({ delivery, contentType }) => post(trigger.url, delivery, contentType)),
					);
					for (const [i, answer] of answers.entries()) {
						const { delivery } = batch[i];
						latencies.push(answer.ms);
						statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
						checkAnswer(setup, delivery, answer);
						if (delivery.bad.length > 0)
							figures.badInputs.add(
								inputKey('webhook', [
									setup.name,
									delivery.bad,
									delivery.headers,
									delivery.body.toString('base64').slice(0, 4000),
								]),
							);
					}
					figures.executions += batch.length;
				}
				// Exactly once per run with a right secret and a readable id; never for the others.
				const emittedIds = trigger.emitted.map((item) => Number(item.id ?? item.workflow_run_id));
				const counts = new Map<number, number>();
				for (const id of emittedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
				for (const id of expectedRuns) {
					const count = counts.get(id) ?? 0;
					if (count === 0) figures.violations.push(`${setup.name}: run ${id} never emitted`);
					if (count > 1) {
						figures.duplicates += count - 1;
						figures.violations.push(`${setup.name}: run ${id} emitted ${count} times`);
					}
				}
				for (const id of counts.keys())
					if (!expectedRuns.has(id))
						figures.violations.push(
							`${setup.name}: run ${id} emitted ${rejectedOnlyRuns.has(id) ? 'from a refused delivery' : 'though never validly delivered'}`,
						);
				// Items here are runs: each run delivered with the right secret and a readable id.
				figures.itemsIn += expectedRuns.size;
				figures.itemsOut += [...expectedRuns].filter((id) => counts.has(id)).length;
				figures.extra[`runs_expected_${SETUPS.indexOf(setup) + 1}`] = expectedRuns.size;
				const text = JSON.stringify(trigger.emitted);
				if (text.includes(setup.secret)) {
					figures.keyLeaks++;
					figures.violations.push(`${setup.name}: the secret is in an emitted item`);
				}
			} finally {
				await trigger.close();
			}

			function makeDelivery(): Delivery {
				const bad: string[] = [];
				const repeat = sent.length > 0 && random.chance(0.2);
				const previous = repeat ? random.pick(sent) : undefined;
				const runId = previous?.runId ?? nextRun++;
				const deliveryId =
					previous && random.chance(0.8)
						? previous.deliveryId
						: `d-${runId}-${random.int(0, 1e9).toString(36)}`;
				if (previous) bad.push('repeat');
				const variant: SecretVariant = random.chance(0.7)
					? 'right'
					: random.pick([
							'nameCase',
							'padded',
							'bearer',
							'valueCase',
							'wrong',
							'absent',
							'prefix',
							'truncated',
							'otherHeader',
							'basic',
						] as const);
				if (variant !== 'right') bad.push(`secret:${variant}`);
				const secretAccepted = secretOracle(variant, authorization);
				const headerRunId = random.chance(0.75);
				const headers: Record<string, string> = {
					...secretHeaders(setup, variant, random, random.pick(wrongSecrets)),
					'X-Dograh-Delivery-Id': deliveryId,
					'X-Dograh-Delivery-Attempt': String(random.int(1, 5)),
					...(headerRunId ? { 'X-Dograh-Workflow-Run-Id': String(runId) } : {}),
				};
				const kind: BodyKind = random.chance(0.7)
					? 'rendered'
					: random.pick(['truncated', 'deep', 'notObject', 'badRunId', 'rendered'] as const);
				const noise = random.pick(noises);
				let text: string;
				let bodyRunId: boolean;
				if (kind === 'rendered' || kind === 'truncated') {
					const rendered = renderedBody(runId, random, noise, outbound.origin);
					bodyRunId = rendered.runIdReadable;
					text = rendered.text;
					if (rendered.variants.some((v) => v !== 'normal'))
						bad.push(`fields:${rendered.variants.join(',')}`);
					if (kind === 'truncated') {
						text = text.slice(0, random.int(0, text.length - 1));
						bodyRunId = false;
						bad.push('truncated');
					}
				} else if (kind === 'deep') {
					const depth = random.int(50, 4000);
					text = deepBody(runId, depth, random.chance(0.5));
					bodyRunId = true;
					bad.push(`deep:${depth}`);
				} else if (kind === 'notObject') {
					text = random.pick([
						'[]',
						`[${runId}]`,
						String(runId),
						`"${runId}"`,
						'null',
						'true',
						'""',
					]);
					bodyRunId = false;
					bad.push('notObject');
				} else {
					const value = random.pick(BAD_RUN_IDS);
					text = JSON.stringify({
						...runContext(runId, noise, outbound.origin),
						workflow_run_id: value,
					});
					bodyRunId = false;
					bad.push(`runId:${value}`);
				}
				if (!headerRunId && !bodyRunId) bad.push('no run id');
				const readable = bodyRunId || headerRunId;
				const delivery: Delivery = {
					runId,
					deliveryId,
					body: encode(text),
					headers,
					expectedRun: secretAccepted && readable ? runId : undefined,
					secretAccepted,
					bad,
				};
				if (delivery.expectedRun !== undefined) expectedRuns.add(runId);
				else rejectedOnlyRuns.add(runId);
				sent.push(delivery);
				return delivery;
			}
		}
	} finally {
		await outbound.close();
	}
	for (const request of outbound.requests) {
		if (SETUPS.some((setup) => JSON.stringify(request.headers).includes(setup.secret))) {
			figures.keyLeaks++;
			figures.violations.push(`the webhook secret was sent to ${request.url}`);
		}
	}
	figures.extra.deliveries = figures.executions;
	figures.extra.transcript_fetches = outbound.requests.length;
	figures.extra.answer_p50_ms = Number(percentile(latencies, 50).toFixed(1));
	figures.extra.answer_p99_ms = Number(percentile(latencies, 99).toFixed(1));
	figures.extra.answers = JSON.stringify(statuses);
	return figures;

	function checkAnswer(setup: TriggerSetup, delivery: Delivery, answer: Answer): void {
		if (answer.text.includes(setup.secret)) {
			figures.keyLeaks++;
			figures.violations.push(`${setup.name}: the secret is in an answer`);
		}
		let want: number;
		if (!delivery.secretAccepted) want = 401;
		else if (delivery.expectedRun === undefined) want = 400;
		else want = 200;
		if (answer.status !== want)
			figures.violations.push(
				`${setup.name}: answered ${answer.status}, not ${want}, to ${delivery.bad.join(' ') || 'a clean delivery'}: ${answer.text.slice(0, 160)}`,
			);
		if (answer.status === 400 && !/workflow_run_id|JSON object/.test(answer.text))
			figures.violations.push(
				`${setup.name}: a 400 that does not say why: ${answer.text.slice(0, 160)}`,
			);
	}
}
