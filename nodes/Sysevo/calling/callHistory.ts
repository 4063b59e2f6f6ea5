import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { summariseRun, type RunStatus } from '../../shared/helpers/runSummary';
import { forEachRunPage, MAX_RUN_PAGES, RUN_PAGE_SIZE, type Run } from '../../shared/transport/api';

/** A call to a number placed before the item that would call it again. */
export interface EarlierCall {
	runId: number | null;
	createdAt: string | null;
	runStatus: RunStatus | null;
	disposition: string | null;
	/** The input item that placed it in this execution; absent for calls found in the run list. */
	itemIndex?: number;
}

/** An item's claim on the number it calls: settled once, with the call it placed or undefined. */
export interface NumberClaim {
	settle(call: EarlierCall | undefined): void;
}

interface Claim extends NumberClaim {
	itemIndex: number;
	outcome: Promise<EarlierCall | undefined>;
}

const UNCLAIMED: NumberClaim = { settle: () => {} };

type Loose = Record<string, unknown>;

function asObject(value: unknown): Loose {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Loose)
		: {};
}

/** `+` and digits only, so spacing in a stored number does not hide a match. */
function comparable(number: unknown): string | null {
	if (typeof number !== 'string') return null;
	const digits = number.replace(/[^\d+]/g, '');
	return digits.length > 1 ? digits : null;
}

/**
 * The number a run dialled: `called_number` is set by the platform after the caller's context is
 * merged, so a context key cannot mask it; `phone_number` is the fallback for runs without it
 * (docs/sysevo-api.md §6.4).
 */
function matchableNumberOf(run: Run): string | null {
	const context = asObject(run.initial_context);
	return comparable(context.called_number) ?? comparable(context.phone_number);
}

/** Inbound calls and failed initiations (a 402 or 400 answer, docs/sysevo-api.md §6.9) dialled nobody. */
function dialledSomeone(run: Run): boolean {
	if (run.call_type === 'inbound') return false;
	return !asObject(run.gathered_context).error;
}

function earlierCallFromRun(run: Run): EarlierCall {
	const summary = summariseRun(run);
	return {
		runId: run.id,
		createdAt: run.created_at,
		runStatus: summary.run_status,
		disposition: summary.disposition,
	};
}

/**
 * Which numbers an agent called recently, read once per execution from its run list (newest first,
 * a date-range filter, pages read until the window is covered), and which items of this execution
 * call the same number, in input order.
 */
export class CallHistory {
	private readonly lists = new Map<string, Promise<Map<string, EarlierCall>>>();
	private readonly claims = new Map<string, Claim[]>();

	constructor(private readonly context: IExecuteFunctions) {}

	/** Registers an item that will call `e164` through `agent`; items must claim in input order. */
	claim(agent: string, e164: string, itemIndex: number): void {
		const key = `${agent}\u0000${e164}`;
		let settle: Claim['settle'] = () => {};
		const outcome = new Promise<EarlierCall | undefined>((resolve) => (settle = resolve));
		const claims = this.claims.get(key) ?? [];
		if (claims.some((claim) => claim.itemIndex === itemIndex)) return;
		claims.push({ itemIndex, outcome, settle });
		this.claims.set(key, claims);
	}

	/**
	 * The call of an earlier item of this execution to the same number, once those items know
	 * whether they dialled; undefined when none did.
	 */
	async earlierInExecution(
		agent: string,
		e164: string,
		itemIndex: number,
	): Promise<EarlierCall | undefined> {
		const claims = this.claims.get(`${agent}\u0000${e164}`) ?? [];
		for (const claim of claims) {
			if (claim.itemIndex >= itemIndex) break;
			const call = await claim.outcome;
			if (call) return call;
		}
		return undefined;
	}

	/**
	 * The item's claim, to settle with what it did: the call it placed (or may have placed), or
	 * undefined. An item that made no claim gets one whose settling does nothing.
	 */
	claimOf(agent: string, e164: string, itemIndex: number): NumberClaim {
		const claim = this.claims
			.get(`${agent}\u0000${e164}`)
			?.find((candidate) => candidate.itemIndex === itemIndex);
		return claim ?? UNCLAIMED;
	}

	/** The newest call of the agent to `e164` within the last `hours`, from its run list. */
	async earlierInRunList(
		agentId: number,
		e164: string,
		hours: number,
		itemIndex: number,
	): Promise<EarlierCall | undefined> {
		const key = `${agentId}\u0000${hours}`;
		let list = this.lists.get(key);
		if (!list) {
			list = this.readRunList(agentId, new Date(Date.now() - hours * 3_600_000));
			this.lists.set(key, list);
		}
		try {
			return (await list).get(comparable(e164) ?? e164);
		} catch (error) {
			throw new NodeOperationError(
				this.context.getNode(),
				`Could not check the agent's recent calls: ${(error as Error).message}`,
				{
					itemIndex,
					description:
						"No call was placed for this item. Skip If Called Within reads the agent's run list before dialling; try again in a few minutes, or turn the option off.",
				},
			);
		}
	}

	private async readRunList(agentId: number, since: Date): Promise<Map<string, EarlierCall>> {
		const newest = new Map<string, EarlierCall>();
		const from = since.getTime();
		const filters = [
			{ attribute: 'dateRange' as const, type: 'dateRange', value: { from: since.toISOString() } },
		];
		const ended = await forEachRunPage.call(
			this.context,
			agentId,
			{ newestFirst: true, filters },
			(runs) => {
				let covered = false;
				for (const run of runs) {
					const createdAt = Date.parse(run.created_at);
					if (createdAt < from) {
						covered = true;
						continue;
					}
					const number = matchableNumberOf(run);
					// Newest first: the first run seen for a number is its latest call.
					if (number && dialledSomeone(run) && !newest.has(number))
						newest.set(number, earlierCallFromRun(run));
				}
				return covered ? 'stop' : 'more';
			},
		);
		if (!ended)
			throw new Error(
				`the agent has more than ${MAX_RUN_PAGES * RUN_PAGE_SIZE} runs in the window`,
			);
		return newest;
	}
}

/** The fields a skipped item carries about the call that made it skip. */
export function earlierCallFields(call: EarlierCall): IDataObject {
	return {
		earlier_run_id: call.runId,
		earlier_run_created_at: call.createdAt,
		earlier_run_status: call.runStatus,
		earlier_disposition: call.disposition,
		...(call.itemIndex !== undefined ? { earlier_item_index: call.itemIndex } : {}),
	};
}
