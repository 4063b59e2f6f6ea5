import type { IExecuteFunctions } from 'n8n-workflow';

import { DialLedger, ledgerSize, type ItemCall } from '../../nodes/Sysevo/calling/ledger';

const finishers: Array<() => void> = [];

/** The parts of n8n's execute context the ledger reads: the node, the execution, its end. */
function contextOf(executionId: string, retryOnFail: boolean): IExecuteFunctions {
	return {
		getNode: () => ({ name: 'Sysevo', retryOnFail }),
		getExecutionId: () => executionId,
		getWorkflowDataProxy: () => ({ $runIndex: 0 }),
		onExecutionFinish: (finish: () => void) => finishers.push(finish),
	} as unknown as IExecuteFunctions;
}

const call: ItemCall = { itemIndex: 0, e164: '+14155552671', agent: '/public/agent/workflow/x' };
const other: ItemCall = { itemIndex: 1, e164: '+14155552672', agent: '/public/agent/workflow/x' };
const placed = { status: 'initiated', workflow_run_id: 7, phone_number: call.e164 };

describe('DialLedger', () => {
	afterEach(() => {
		for (const finish of finishers.splice(0)) finish();
		expect(ledgerSize()).toEqual({ entries: 0, executions: 0, keptChars: 0 });
	});

	it('keeps a result for Retry On Fail to return it on the next try', () => {
		const first = new DialLedger(contextOf('exec-keep', true), false);
		first.sending(call);
		first.placed(call, placed);
		first.done(call, { ...placed, run_status: 'completed' }, placed);
		expect(ledgerSize().keptChars).toBeGreaterThan(0);

		const retry = new DialLedger(contextOf('exec-keep', true), false);
		expect(retry.lookup(call)).toEqual({
			state: 'done',
			placed,
			json: { ...placed, run_status: 'completed' },
		});
	});

	it('keeps no result when nothing can run the node again, and still never dials it twice', () => {
		const ledger = new DialLedger(contextOf('exec-lean', false), false);
		ledger.sending(call);
		ledger.placed(call, placed);
		ledger.done(call, { ...placed, run_status: 'completed' }, placed);
		expect(ledgerSize()).toMatchObject({ entries: 1, keptChars: 0 });
		expect(new DialLedger(contextOf('exec-lean', false), false).lookup(call)).toEqual({
			state: 'sending',
		});
	});

	it('keeps the results of an AI tool, whose later tool calls read the first call', () => {
		const ledger = new DialLedger(contextOf('exec-tool', false), true);
		ledger.sending(call);
		ledger.done(call, placed, placed);
		expect(ledgerSize().keptChars).toBeGreaterThan(0);
		expect(ledger.firstCallTo({ ...call, itemIndex: 3 })).toMatchObject({ json: placed });
	});

	it.each([true, false])(
		'gives back the dial of an item not dialled after all (Retry On Fail %s)',
		(retryOnFail) => {
			const ledger = new DialLedger(contextOf(`exec-budget-${retryOnFail}`, retryOnFail), false);
			expect(ledger.takeDial(call, 1)).toBe(true);
			ledger.done(call, { run_status: 'not_called' });
			ledger.giveBackUnsentDial(call);
			expect(ledger.takeDial(other, 1)).toBe(true);
			ledger.sending(other);
			ledger.placed(other, placed);
			ledger.giveBackUnsentDial(other);
			expect(ledger.takeDial({ ...other, itemIndex: 2 }, 1)).toBe(false);
		},
	);
});

const HOUR_MS = 3_600_000;
const CALL: ItemCall = { itemIndex: 0, e164: '+14155550100', agent: 'agent-path' };

/** A run of the node in an execution without n8n's execution-finished hook. */
function runOf(executionId: string): IExecuteFunctions {
	return {
		getNode: () => ({ name: 'Sysevo', retryOnFail: true }),
		getExecutionId: () => executionId,
		getWorkflowDataProxy: () => ({ $runIndex: 0 }),
	} as unknown as IExecuteFunctions;
}

describe('the first call to a number, as an AI tool', () => {
	/** One run of the node (`runIndex`) in an execution: an agent's tool calls are runs. */
	function toolRun(executionId: string, runIndex: number): IExecuteFunctions {
		return {
			getNode: () => ({ name: 'Sysevo' }),
			getExecutionId: () => executionId,
			getWorkflowDataProxy: () => ({ $runIndex: runIndex }),
			onExecutionFinish: (finish: () => void) => finishers.push(finish),
		} as unknown as IExecuteFunctions;
	}
	afterEach(() => {
		for (const finish of finishers.splice(0)) finish();
	});

	it('is claimed before anything is sent, so a tool call running alongside is refused', () => {
		const first = new DialLedger(toolRun('exec-parallel', 0), true);
		const second = new DialLedger(toolRun('exec-parallel', 1), true);

		expect(first.claimFirstCall(call)).toBeUndefined();
		expect(second.claimFirstCall(call)).toEqual({ state: 'sending' });

		first.sending(call);
		first.placed(call, placed);
		expect(second.claimFirstCall(call)).toEqual({ state: 'placed', placed });
	});

	it('is given back when that call sends nothing after all', () => {
		const first = new DialLedger(toolRun('exec-released', 0), true);
		const second = new DialLedger(toolRun('exec-released', 1), true);

		expect(first.claimFirstCall(call)).toBeUndefined();
		first.releaseFirstCallUnlessSent(call);
		expect(second.claimFirstCall(call)).toBeUndefined();
		expect(first.claimFirstCall(call)).toEqual({ state: 'sending' });
	});

	it('stays claimed by a call that was sent', () => {
		const first = new DialLedger(toolRun('exec-sent', 0), true);
		const second = new DialLedger(toolRun('exec-sent', 1), true);

		first.claimFirstCall(call);
		first.sending(call);
		first.releaseFirstCallUnlessSent(call);
		expect(second.claimFirstCall(call)).toEqual({ state: 'sending' });
	});
});

describe('the dial ledger without the execution-finished hook', () => {
	let clock = 1_000_000;
	beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => clock));
	afterEach(() => jest.restoreAllMocks());

	/** Another execution's ledger: opening one sweeps idle entries. */
	function sweep(): void {
		new DialLedger(runOf(`sweeper-${clock}`), false).close();
	}

	it("keeps an open ledger's entries however long its calls take, and ends them an hour after it closes", () => {
		const ledger = new DialLedger(runOf('exec-long-call'), false);
		ledger.placed(CALL, { workflow_run_id: 41 });

		clock += 3 * HOUR_MS;
		sweep();
		expect(ledger.lookup(CALL)).toEqual({ state: 'placed', placed: { workflow_run_id: 41 } });

		ledger.close();
		clock += HOUR_MS;
		sweep();
		expect(ledger.lookup(CALL)).toEqual({ state: 'placed', placed: { workflow_run_id: 41 } });

		clock += 1;
		sweep();
		expect(ledger.lookup(CALL)).toBeUndefined();
	});

	it('keeps entries while any ledger of the same run is still open', () => {
		const first = new DialLedger(runOf('exec-two-tries'), false);
		const second = new DialLedger(runOf('exec-two-tries'), false);
		first.placed(CALL, { workflow_run_id: 42 });
		first.close();

		clock += 2 * HOUR_MS;
		sweep();
		expect(second.lookup(CALL)).toEqual({ state: 'placed', placed: { workflow_run_id: 42 } });

		second.close();
		clock += HOUR_MS + 1;
		sweep();
		expect(second.lookup(CALL)).toBeUndefined();
		expect(ledgerSize().entries).toBe(0);
	});
});
