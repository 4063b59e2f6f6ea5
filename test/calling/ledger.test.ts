import type { IExecuteFunctions } from 'n8n-workflow';

import { DialLedger, ledgerSize, type ItemCall } from '../../nodes/Sysevo/calling/ledger';

const HOUR_MS = 3_600_000;
const CALL: ItemCall = { itemIndex: 0, e164: '+14155550100', agent: 'agent-path' };

/** A run of the node in an execution without n8n's execution-finished hook. */
function runOf(executionId: string): IExecuteFunctions {
	return {
		getNode: () => ({ name: 'Sysevo' }),
		getExecutionId: () => executionId,
		getWorkflowDataProxy: () => ({ $runIndex: 0 }),
	} as unknown as IExecuteFunctions;
}

describe('the dial ledger without the execution-finished hook', () => {
	let clock = 1_000_000;
	beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => clock));
	afterEach(() => jest.restoreAllMocks());

	/** Another execution's ledger: opening one sweeps idle entries. */
	function sweep(): void {
		new DialLedger(runOf(`sweeper-${clock}`)).close();
	}

	it("keeps an open ledger's entries however long its calls take, and ends them an hour after it closes", () => {
		const ledger = new DialLedger(runOf('exec-long-call'));
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
		const first = new DialLedger(runOf('exec-two-tries'));
		const second = new DialLedger(runOf('exec-two-tries'));
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
