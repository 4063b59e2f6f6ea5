import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { ledgerSize } from '../../nodes/Sysevo/calling/ledger';
import { Sysevo } from '../../nodes/Sysevo/Sysevo.node';
import { NODE_NAME, runNode, type NodeSettings, type RunResult } from '../helpers/engine';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

const sandbox = useSandbox();

const MAX_TRIES = 3;

type FaultKind = 'invalid input' | '503' | 'timeout' | '429 that runs out';
type Position = 'first' | 'middle' | 'last';

const POSITIONS: Record<Position, number> = { first: 0, middle: 1, last: 2 };
const FAULTS: FaultKind[] = ['invalid input', '503', 'timeout', '429 that runs out'];

const ROWS = [
	{ phone: '+14155554101', name: 'Ada' },
	{ phone: '+14155554102', name: 'Ben' },
	{ phone: '+14155554103', name: 'Cleo' },
];

/** The Sysevo node, counting how often n8n runs it. */
function countingNode(): { node: Sysevo; tries: () => number } {
	const node = new Sysevo();
	const execute = node.execute;
	let tries = 0;
	node.execute = async function (this: IExecuteFunctions) {
		tries += 1;
		return await execute.call(this);
	};
	return { node, tries: () => tries };
}

function settingsFor(continueOnFail: boolean): NodeSettings {
	return {
		retryOnFail: true,
		maxTries: MAX_TRIES,
		waitBetweenTries: 10,
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
}

/** Rows for the case, and the options that make the failing row fail. */
function arrange(fault: FaultKind, failing: number) {
	const rows = ROWS.map((row) => ({ ...row }));
	// One call at a time: rows reach Sysevo in input order, so "first/middle/last" is the dial order.
	const options: INodeParameters = { maxConcurrentCalls: 1 };
	switch (fault) {
		case 'invalid input':
			rows[failing].phone = '12';
			break;
		case '503':
			sandbox.current.faults.inject({
				kind: 'json503',
				route: 'trigger',
				phone: rows[failing].phone,
				times: Infinity,
			});
			break;
		case 'timeout':
			sandbox.current.faults.inject({
				kind: 'hang',
				route: 'trigger',
				phone: rows[failing].phone,
				times: Infinity,
			});
			options.timeoutSeconds = 1;
			break;
		case '429 that runs out':
			// The organisation's cap is full from the failing row on, for the whole test.
			sandbox.current.configure({ concurrencyLimit: failing, callDurationSeconds: 100_000 });
			options.callLimitWaitSeconds = 0;
			break;
	}
	return { rows, options };
}

/** Rows that fail: a 429 that runs out fails every row from the failing one on. */
function failingRows(fault: FaultKind, failing: number): number[] {
	return fault === '429 that runs out'
		? ROWS.map((_, i) => i).filter((i) => i >= failing)
		: [failing];
}

function sentBodies(phone: string): IDataObject[] {
	return triggerRequests(sandbox.current)
		.map((request) => JSON.parse(request.rawBody) as IDataObject)
		.filter((body) => body.phone_number === phone);
}

function runIdOf(phone: string): number | undefined {
	return sandbox.current.runs().find((run) => run.phone_number === phone)?.id;
}

function hintsOf(result: RunResult): string[] {
	return (result.run?.data.resultData.runData[NODE_NAME]?.[0]?.hints ?? []).map(
		(hint) => hint.message,
	);
}

describe('Retry On Fail never dials a number twice', () => {
	afterEach(() => {
		expect(ledgerSize().executions).toBe(0);
	});

	const cases = [true, false].flatMap((continueOnFail) =>
		(Object.keys(POSITIONS) as Position[]).flatMap((position) =>
			FAULTS.map((fault) => ({ continueOnFail, position, fault })),
		),
	);

	it.each(cases)(
		'Continue On Fail $continueOnFail, $fault in the $position row',
		async ({ continueOnFail, position, fault }) => {
			const failing = POSITIONS[position];
			const { rows, options } = arrange(fault, failing);
			const counted = countingNode();
			const result = await runNode({
				parameters: triggerParameters({ options }),
				items: rows,
				credentials: credentialsFor(sandbox.current),
				settings: settingsFor(continueOnFail),
				nodeType: counted.node,
			});

			// n8n retries when the node throws, or when Continue On Fail puts an error in the first item.
			const retried = !continueOnFail || failing === 0;
			expect(counted.tries()).toBe(retried ? MAX_TRIES : 1);

			const failed = failingRows(fault, failing);
			for (const [i, row] of rows.entries()) {
				const bodies = sentBodies(row.phone);
				const dials = sandbox.current.dials(row.phone);
				expect(dials).toBeLessThanOrEqual(1);
				if (fault === '429 that runs out' && failed.includes(i)) {
					// A 429 placed no call, so each try may ask again; none of them dialled.
					expect(dials).toBe(0);
					continue;
				}
				// What was sent: at most one trigger for the number, with this row's own values.
				expect(bodies.length).toBeLessThanOrEqual(1);
				for (const body of bodies) {
					expect(body).toMatchObject({
						phone_number: row.phone,
						initial_context: { customer_name: row.name },
					});
				}
				if (continueOnFail && !failed.includes(i)) expect(dials).toBe(1);
			}
			if (fault === 'timeout' || fault === '503') {
				// The failing row's trigger may have dialled: sent exactly once, never again.
				expect(sentBodies(rows[failing].phone)).toHaveLength(1);
			}

			if (!continueOnFail) {
				expect(result.error?.context?.itemIndex).toBe(failing);
				return;
			}
			expect(result.error).toBeUndefined();
			const items: INodeExecutionData[] = result.outputs[0];
			expect(items.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
			for (const [i, item] of items.entries()) {
				if (failed.includes(i)) {
					expect(item.json.error).toEqual(expect.any(String));
					continue;
				}
				expect(item.json).toMatchObject({
					status: 'initiated',
					phone_number: rows[i].phone,
					workflow_run_id: runIdOf(rows[i].phone),
				});
			}
			const notDialledAgain =
				rows.length - failed.length + (fault === 'timeout' || fault === '503' ? 1 : 0);
			const retryHints = hintsOf(result).filter((hint) => hint.startsWith('Retry On Fail'));
			expect(retryHints).toEqual(
				retried && notDialledAgain > 0
					? [
							expect.stringContaining(
								`Retry On Fail: ${notDialledAgain} item(s) were already sent to Sysevo`,
							),
						]
					: [],
			);
		},
	);
});

describe('the dial ledger', () => {
	it('fails an item whose call may have been placed with the same error on every try', async () => {
		const phone = ROWS[0].phone;
		sandbox.current.faults.inject({ kind: 'json503', route: 'trigger', phone, times: Infinity });
		const counted = countingNode();
		const result = await runNode({
			parameters: triggerParameters(),
			items: [ROWS[0]],
			credentials: credentialsFor(sandbox.current),
			settings: settingsFor(true),
			nodeType: counted.node,
		});
		expect(counted.tries()).toBe(MAX_TRIES);
		expect(sentBodies(phone)).toHaveLength(1);
		expect(result.outputs[0]).toEqual([
			{
				json: {
					error: expect.stringContaining('Sysevo is temporarily unavailable (HTTP 503)'),
					description: expect.stringContaining('The call may have been placed'),
					http_code: '503',
					phone_number: phone,
					initial_context: { customer_name: ROWS[0].name },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('returns the result of a call placed before the connection dropped, without sending it again', async () => {
		const phone = ROWS[1].phone;
		sandbox.current.faults.inject({ kind: 'resetAfterRead', route: 'trigger', phone, times: 1 });
		const counted = countingNode();
		const result = await runNode({
			parameters: triggerParameters({ options: { maxConcurrentCalls: 1 } }),
			items: ROWS,
			credentials: credentialsFor(sandbox.current),
			settings: settingsFor(false),
			nodeType: counted.node,
		});
		expect(counted.tries()).toBe(MAX_TRIES);
		// Sysevo placed the call, the answer was lost: one dial, one request, and the item fails.
		expect(sandbox.current.dials(phone)).toBe(1);
		expect(sentBodies(phone)).toHaveLength(1);
		expect(result.error?.message).toBe('The connection to Sysevo broke before an answer arrived');
		expect(result.error?.description).toContain('The call may have been placed');
		expect(result.error?.context?.itemIndex).toBe(1);
		expect(sandbox.current.dials(ROWS[0].phone)).toBe(1);
		expect(sandbox.current.dials(ROWS[2].phone)).toBe(0);
	});

	it('starts afresh in a new execution and holds nothing once an execution ends', async () => {
		const items = [ROWS[0]];
		const first = await runNode({
			parameters: triggerParameters(),
			items,
			credentials: credentialsFor(sandbox.current),
			settings: settingsFor(false),
			executionId: 'exec-ledger-a',
		});
		const second = await runNode({
			parameters: triggerParameters(),
			items,
			credentials: credentialsFor(sandbox.current),
			settings: settingsFor(false),
			executionId: 'exec-ledger-b',
		});
		expect(first.json[0].workflow_run_id).not.toBe(second.json[0].workflow_run_id);
		expect(sandbox.current.dials(ROWS[0].phone)).toBe(2);
		expect(ledgerSize()).toEqual({ entries: 0, executions: 0, keptChars: 0 });
	});
});
