// The AI Agent suite of `npm run test:e2e`: a real AI Agent (typeVersion 3) in the pinned n8n calls
// the Sysevo tool (`n8n-nodes-sysevo.sysevoTool`). The model is a scripted OpenAI-compatible
// server started here (POST /v1/chat/completions, stream: false), reached through an `openAiApi`
// credential whose Base URL points at it, by the OpenAI Chat Model (typeVersion 1.2, which uses
// Chat Completions). Each case is its own workflow, run with `n8n execute --id`; the server answers
// with the tool calls the case scripts, then a final answer, and keeps every request it receives,
// so the checks read exactly what the model was told (tool descriptions, tool results).
// Ends with `agent: N passed, M failed`.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

import { CREDENTIAL, SANDBOX_API_KEY, freePort, n8nCli } from '../lib/harness.mjs';

const TOOL_TYPE = 'n8n-nodes-sysevo.sysevoTool';
const AGENT_UUID = '0b6f9c1e-7a2d-4f0e-9a55-1c2b3d4e5f60'; // 312 Renewal reminder (sandbox/README.md)
const OPENAI_CREDENTIAL = { id: 'sysevoE2eOpenAi01', name: 'Scripted model' };
const PREMIUM_RATE = '+19005550123'; // US 1-900: premium rate, refused before any request

/** The hint the model reads for the phone number argument ($fromAI), as in the example. */
const PHONE_HINT =
	'Number to call, in international format such as +14155552671 (+ and country code). Each call rings a real person and costs money.';

// ---------------------------------------------------------------------------------------------
// Cases: each scripts the model's tool calls, one per turn, then a final answer
// ---------------------------------------------------------------------------------------------

const CASES = [
	{
		id: 'sysevoE2eAgentCall',
		prompt: 'Call +14155552701 about the renewal.',
		calls: ['+14155552701'],
		dials: ['+14155552701'],
	},
	{
		id: 'sysevoE2eAgentRefusal',
		prompt: 'Call the hotline then the customer.',
		calls: [PREMIUM_RATE, '+14155552702'],
		dials: ['+14155552702'],
		never: [PREMIUM_RATE],
	},
	{
		id: 'sysevoE2eAgentBudget',
		prompt: 'Call all six customers.',
		calls: [
			'+14155552711',
			'+14155552712',
			'+14155552713',
			'+14155552714',
			'+14155552715',
			'+14155552716',
		],
		options: { maxCallsPerExecution: 2 },
		dials: ['+14155552711', '+14155552712'],
		never: ['+14155552713', '+14155552714', '+14155552715', '+14155552716'],
	},
	{
		id: 'sysevoE2eAgentWait',
		prompt: 'Call +14155552721 and tell me how it went.',
		calls: ['+14155552721'],
		waitForCompletion: true,
		dials: ['+14155552721'],
	},
	{
		id: 'sysevoE2eAgentRepeat',
		prompt: 'Call +14155552731, then call them again.',
		calls: ['+14155552731', '+14155552731'],
		dials: ['+14155552731'],
	},
];

/** Numbers the suite dials (each exactly once) and numbers that must never reach Sysevo. */
export const AGENT_ENTRY = {
	dials: CASES.flatMap((c) => c.dials),
	never: CASES.flatMap((c) => c.never ?? []),
};

function workflowOf(testCase) {
	const toolParameters = {
		resource: 'call',
		operation: 'trigger',
		agentIdType: 'workflowUuid',
		agent: { __rl: true, mode: 'id', value: AGENT_UUID },
		phoneNumber: `={{ $fromAI('phone_number', '${PHONE_HINT}', 'string') }}`,
		initialContext: { values: [{ key: 'customer_name', value: 'Agent case' }] },
		...(testCase.waitForCompletion ? { waitForCompletion: true } : {}),
		options: { allowedCountries: ['US', 'CA'], ...(testCase.options ?? {}) },
	};
	return {
		id: testCase.id,
		name: `Sysevo e2e agent: ${testCase.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'e2e00000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2e00000-0000-4000-8000-000000000002',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [260, 0],
				parameters: {
					promptType: 'define',
					text: `[case:${testCase.id}] ${testCase.prompt}`,
					options: { systemMessage: 'You place phone calls for a renewals team.' },
				},
			},
			{
				id: 'e2e00000-0000-4000-8000-000000000003',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [160, 240],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			{
				id: 'e2e00000-0000-4000-8000-000000000004',
				name: 'Call Customer',
				type: TOOL_TYPE,
				typeVersion: 1,
				position: [360, 240],
				parameters: toolParameters,
				credentials: { sysevoApi: CREDENTIAL },
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			'Call Customer': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

// ---------------------------------------------------------------------------------------------
// The scripted model
// ---------------------------------------------------------------------------------------------

function completion(message, finishReason) {
	return {
		id: `chatcmpl-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: 'gpt-4o-mini',
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
	};
}

function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('');
	return '';
}

/**
 * What the model answers: the case is named in the user's prompt; the number of tool results
 * already in the conversation says which scripted turn comes next.
 */
function answer(body) {
	const messages = body.messages ?? [];
	const prompt = messages.map((m) => (m.role === 'user' ? textOf(m.content) : '')).join('\n');
	const testCase = CASES.find((c) => prompt.includes(`[case:${c.id}]`));
	if (!testCase) return { status: 400, body: { error: { message: 'no [case:…] in the prompt' } } };
	const toolResults = messages.filter((m) => m.role === 'tool').length;
	const tool = body.tools?.[0]?.function?.name;
	if (toolResults < testCase.calls.length && tool) {
		const message = {
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_${testCase.id}_${toolResults}`,
					type: 'function',
					function: {
						name: tool,
						arguments: JSON.stringify({ phone_number: testCase.calls[toolResults] }),
					},
				},
			],
		};
		return { status: 200, body: completion(message, 'tool_calls'), testCase };
	}
	const message = { role: 'assistant', content: `Done with ${testCase.id}.` };
	return { status: 200, body: completion(message, 'stop'), testCase };
}

async function startScriptedModel() {
	const requests = []; // { path, body, caseId }
	const refused = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const send = (status, body) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
				refused.push(`${req.method} ${req.url}`);
				return send(404, { error: { message: `not scripted: ${req.method} ${req.url}` } });
			}
			let body;
			try {
				body = JSON.parse(raw);
			} catch {
				refused.push(`unreadable body on ${req.url}`);
				return send(400, { error: { message: 'body is not JSON' } });
			}
			if (body.stream === true) {
				refused.push(`stream: true on ${req.url}`);
				console.error('!! scripted model: the agent asked for streaming, which this suite refuses');
				return send(400, { error: { message: 'streaming is not scripted: send stream false' } });
			}
			const reply = answer(body);
			requests.push({ path: req.url, body, caseId: reply.testCase?.id });
			send(reply.status, reply.body);
		});
	});
	const port = await freePort();
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		refused,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

function expect(condition, message) {
	if (!condition) throw new Error(message);
}

/** The tool results (parsed JSON arrays of the tool's items) in a request, in order. */
function toolResultsIn(request) {
	return (request?.body.messages ?? [])
		.filter((m) => m.role === 'tool')
		.map((m) => {
			const text = textOf(m.content);
			try {
				const parsed = JSON.parse(text);
				return Array.isArray(parsed) ? parsed : [parsed];
			} catch {
				return [{ unparsed: text }];
			}
		});
}

/** Tool results the model read, from the last request of the case (it holds the whole history). */
function resultsOf(model, caseId) {
	const requests = model.requests.filter((r) => r.caseId === caseId);
	return { requests, results: toolResultsIn(requests.at(-1)) };
}

async function triggerCounts(ctx) {
	return (await ctx.sandbox.stats()).triggerRequests;
}

function dialDelta(before, after, phones) {
	return Object.fromEntries(
		phones.map((phone) => [phone, (after[phone] ?? 0) - (before[phone] ?? 0)]),
	);
}

function checkDials(testCase, before, after) {
	const dialled = dialDelta(before, after, testCase.dials);
	const wrong = Object.entries(dialled).filter(([, count]) => count !== 1);
	expect(wrong.length === 0, `trigger requests != 1: ${JSON.stringify(dialled)}`);
	const never = dialDelta(before, after, testCase.never ?? []);
	const reached = Object.entries(never).filter(([, count]) => count !== 0);
	expect(reached.length === 0, `must never reach Sysevo: ${JSON.stringify(never)}`);
}

// Run fields that are public links or the token that makes one (shared/runOutput.ts); the run's
// recording_url and transcript_url are storage keys that need the API key.
const PUBLIC_FIELDS = /public_access_token|_public_url/;

async function publicTokenOf(ctx, runId) {
	const response = await fetch(`${ctx.sandbox.baseUrl}/workflow/312/runs/${runId}`, {
		headers: { 'X-API-Key': SANDBOX_API_KEY },
	});
	const run = await response.json();
	return run.public_access_token;
}

const CHECKS = {
	sysevoE2eAgentCall: [
		{
			name: 'agent: one valid call dials once and the model reads its workflow_run_id',
			check: ({ testCase, before, after, model }) => {
				checkDials(testCase, before, after);
				const { requests, results } = resultsOf(model, testCase.id);
				expect(requests.length === 2, `model requests: ${requests.length}, expected 2`);
				const [item] = results[0] ?? [];
				expect(
					Number.isInteger(item?.workflow_run_id) && item.workflow_run_id > 0,
					`tool result in the 2nd request: ${JSON.stringify(results)}`,
				);
				return `run ${item.workflow_run_id}, ${item.status ?? item.trigger_status}`;
			},
		},
	],
	sysevoE2eAgentRefusal: [
		{
			name: 'agent: a premium-rate number is refused to the model, the next number dials, the execution succeeds',
			check: ({ testCase, before, after, model }) => {
				checkDials(testCase, before, after);
				const { results } = resultsOf(model, testCase.id);
				expect(results.length === 2, `tool results: ${JSON.stringify(results)}`);
				const [refusal] = results[0];
				expect(
					typeof refusal?.error === 'string' && /premium|special/i.test(refusal.error),
					`first tool result must be the refusal: ${JSON.stringify(results[0])}`,
				);
				expect(!refusal.workflow_run_id, `refused call has a run: ${JSON.stringify(refusal)}`);
				const [placed] = results[1];
				expect(
					Number.isInteger(placed?.workflow_run_id),
					`second tool result: ${JSON.stringify(results[1])}`,
				);
				return `model read "${refusal.error.slice(0, 90)}"`;
			},
		},
	],
	sysevoE2eAgentBudget: [
		{
			name: 'agent: Max Calls per Execution 2 and six numbers: two dialled, four results say the limit',
			check: ({ testCase, before, after, model }) => {
				checkDials(testCase, before, after);
				const { results } = resultsOf(model, testCase.id);
				expect(results.length === 6, `tool results: ${results.length}`);
				const placed = results.slice(0, 2).map(([item]) => item?.workflow_run_id);
				expect(placed.every(Number.isInteger), `first two: ${JSON.stringify(results.slice(0, 2))}`);
				const refused = results.slice(2).map(([item]) => item ?? {});
				for (const item of refused) {
					expect(
						item.not_called_reason === 'call_budget_reached' && !item.workflow_run_id,
						`over the budget: ${JSON.stringify(item)}`,
					);
					expect(
						JSON.stringify(item).includes('2 call(s)'),
						`the result does not say the limit: ${JSON.stringify(item)}`,
					);
				}
				return `runs ${placed.join(', ')}; 4 × call_budget_reached`;
			},
		},
	],
	sysevoE2eAgentWait: [
		{
			name: 'agent: waiting for the outcome, the model reads run_status and cost_usd and no public link or token',
			check: async ({ ctx, testCase, before, after, model }) => {
				checkDials(testCase, before, after);
				const { requests, results } = resultsOf(model, testCase.id);
				const [item] = results[0] ?? [];
				expect(item?.run_status === 'completed', `run_status: ${JSON.stringify(item)}`);
				expect(typeof item.cost_usd === 'number', `cost_usd: ${item.cost_usd}`);
				const token = await publicTokenOf(ctx, item.workflow_run_id);
				expect(typeof token === 'string' && token.length > 0, `sandbox run has no token: ${token}`);
				const everything = JSON.stringify(requests.map((r) => r.body));
				expect(!everything.includes(token), 'the public token reached the model');
				const field = everything.match(PUBLIC_FIELDS);
				expect(!field, `a public link field reached the model: ${field?.[0]}`);
				return `run ${item.workflow_run_id} ${item.run_status}, $${item.cost_usd}`;
			},
		},
	],
	sysevoE2eAgentRepeat: [
		{
			name: 'agent: the same number asked twice is dialled once; the second result is the first call',
			check: ({ testCase, before, after, model }) => {
				checkDials(testCase, before, after);
				const { results } = resultsOf(model, testCase.id);
				const runs = results.map(([item]) => item?.workflow_run_id);
				expect(
					runs.length === 2 && Number.isInteger(runs[0]) && runs[0] === runs[1],
					`tool results: ${JSON.stringify(results)}`,
				);
				return `run ${runs[0]} twice`;
			},
		},
	],
};

const DESCRIPTION_CHECK = {
	name: 'agent: the model reads the rules (international format, allowed countries, a real person, costs money)',
	check: ({ model }) => {
		const first = model.requests.find((r) => r.caseId === 'sysevoE2eAgentCall');
		expect(first, 'the model received no request');
		const tool = first.body.tools?.find((t) => t.function?.name === 'Call_Customer')?.function;
		expect(tool, `tools: ${JSON.stringify(first.body.tools?.map((t) => t.function?.name))}`);
		const description = tool.description ?? '';
		for (const [rule, pattern] of [
			['international format', /international format/i],
			['allowed countries only', /countries this workflow allows/i],
			['a real person', /real phone call|real person|rings the person/i],
			['costs money', /costs money/i],
		])
			expect(pattern.test(description), `the tool description lacks "${rule}": ${description}`);
		const phone = tool.parameters?.properties?.phone_number;
		expect(
			/international format/i.test(phone?.description ?? ''),
			`phone_number argument: ${JSON.stringify(phone)}`,
		);
		return `${description.length} characters: "${description.slice(0, 80)}…"`;
	},
};

// ---------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------

/**
 * Runs the suite in the n8n user folder of `ctx` (credentials and workflows imported here).
 * `check(name, fn)` and `execute(ctx, id)` are e2e.mjs's; `results` is its list of outcomes.
 */
export async function runAgentSuite(ctx, { check, execute, results }) {
	const start = results.length;
	const model = await startScriptedModel();
	try {
		const dir = path.join(ctx.tmp, 'agent');
		fs.mkdirSync(path.join(dir, 'workflows'), { recursive: true });
		const credentialFile = path.join(dir, 'credentials.json');
		fs.writeFileSync(
			credentialFile,
			JSON.stringify([
				{
					...OPENAI_CREDENTIAL,
					type: 'openAiApi',
					data: { apiKey: 'sk-scripted-model', url: model.url },
				},
			]),
		);
		for (const testCase of CASES) {
			fs.writeFileSync(
				path.join(dir, 'workflows', `${testCase.id}.json`),
				JSON.stringify(workflowOf(testCase), null, 2),
			);
		}
		const imported = await n8nCli(ctx.n8n, ctx.env, [
			'import:credentials',
			`--input=${credentialFile}`,
		]);
		const importedWorkflows = await n8nCli(ctx.n8n, ctx.env, [
			'import:workflow',
			'--separate',
			`--input=${path.join(dir, 'workflows')}`,
		]);
		await check('agent: the scripted model credential and the agent workflows import', () => {
			for (const result of [imported, importedWorkflows])
				expect(
					result.code === 0,
					`exit ${result.code}\n${result.stdout}${result.stderr}`.slice(-2000),
				);
			return `${CASES.length} workflows, model at ${model.url}`;
		});

		for (const testCase of CASES) {
			const before = await triggerCounts(ctx);
			// execute() checks that the execution succeeded: no case may fail it, on either line.
			await execute(ctx, testCase.id);
			const after = await triggerCounts(ctx);
			const caseCtx = { ctx, testCase, before, after, model };
			for (const item of CHECKS[testCase.id]) await check(item.name, () => item.check(caseCtx));
		}
		await check(DESCRIPTION_CHECK.name, () => DESCRIPTION_CHECK.check({ model }));
		await check(
			'agent: the scripted model was asked only for non-streaming chat completions',
			() => {
				expect(model.refused.length === 0, `refused: ${model.refused.join('; ')}`);
				return `${model.requests.length} requests`;
			},
		);
	} finally {
		await model.close();
	}
	const mine = results.slice(start);
	const passed = mine.filter((r) => r.ok).length;
	console.log(`agent: ${passed} passed, ${mine.length - passed} failed`);
}
