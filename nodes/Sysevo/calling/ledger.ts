import {
	deepCopy,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { MayHaveDialedError } from '../../shared/transport';

/** What identifies one item's call inside a run of the node. */
export interface ItemCall {
	itemIndex: number;
	e164: string;
	/** The trigger route's path: the agent, and whether its draft runs. */
	agent: string;
}

interface FailedSend {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	response: JsonObject;
}

/**
 * What an earlier try of the node did with an item:
 * - `sending`: the trigger was being sent and no answer was recorded;
 * - `mayHaveDialed`: the trigger may have reached Sysevo (the error it failed with);
 * - `placed`: Sysevo started the call; the result was not kept or not reached;
 * - `done`: the item's result (a placed call, or an item skipped instead of dialled).
 */
export type LedgerEntry =
	| { state: 'sending' }
	| { state: 'mayHaveDialed'; error: FailedSend }
	| { state: 'placed'; placed: IDataObject }
	| { state: 'done'; placed?: IDataObject; json: IDataObject };

/**
 * How an entry is held: a result as its JSON text, which is both its size and a copy nobody can
 * change, at a fraction of the memory of a copied object (docs/performance.md). A run whose
 * results nothing can read back keeps only whether the item's call was placed (`finished`).
 */
type StoredEntry =
	| Exclude<LedgerEntry, { state: 'done' }>
	| { state: 'done'; placed?: IDataObject; text: string }
	| { state: 'finished'; placed: boolean };

/** No entry, or a result without a placed call (not dialled after all, e.g. outside calling hours). */
function sentNothing(entry: StoredEntry | undefined): boolean {
	if (!entry) return true;
	return (entry.state === 'done' || entry.state === 'finished') && !entry.placed;
}

/** A stored entry as the ledger hands it out: a copy, so later nodes cannot change what it holds. */
function revived(entry: StoredEntry | undefined): LedgerEntry | undefined {
	if (!entry) return undefined;
	// Not read back by design (see `keepsResults`); should it be, a placed call is still never
	// dialled again.
	if (entry.state === 'finished') return entry.placed ? { state: 'sending' } : undefined;
	if (entry.state !== 'done') return deepCopy(entry);
	return {
		state: 'done',
		placed: entry.placed && deepCopy(entry.placed),
		json: JSON.parse(entry.text) as IDataObject,
	};
}

interface Bucket {
	/** The execution and node this run of the node belongs to (a key of `nodeCalls`). */
	nodeKey: string;
	entries: Map<string, StoredEntry>;
	keptChars: number;
	lastUsed: number;
	/** The ledgers (one per session) working on this bucket: it is never idle while one is open. */
	openLedgers: Set<DialLedger>;
}

/**
 * What one node dialled in one execution across all its runs: an AI agent's tool calls are runs
 * of the tool node in the same execution, each with its own bucket.
 */
interface NodeCalls {
	dials: number;
	/** Calls holding one of the dials (bucket key + call key), so a send that placed nothing gives it back. */
	holders: Set<string>;
	/** The first call to each agent and number: where its ledger entry lives. */
	firstCalls: Map<string, { bucketKey: string; callKey: string }>;
}

/** Most items held for running executions in one n8n process. */
export const MAX_LEDGER_ENTRIES = 100_000;
/** Results are kept up to this size in total; past it a retry reads the placed run again. */
const MAX_KEPT_RESULT_CHARS = 50_000_000;
/** Without n8n's execution-finished hook, an idle execution's entries end after this. */
const IDLE_TTL_MS = 60 * 60 * 1000;

const buckets = new Map<string, Bucket>();
const nodeCalls = new Map<string, NodeCalls>();
let entryCount = 0;
let keptChars = 0;

function textOf(json: IDataObject): string | undefined {
	try {
		return JSON.stringify(json);
	} catch {
		return undefined;
	}
}

function dropBucket(key: string): void {
	const bucket = buckets.get(key);
	if (!bucket) return;
	entryCount -= bucket.entries.size;
	keptChars -= bucket.keptChars;
	buckets.delete(key);
	if (![...buckets.values()].some((other) => other.nodeKey === bucket.nodeKey))
		nodeCalls.delete(bucket.nodeKey);
}

function sweepIdle(now: number): void {
	for (const [key, bucket] of buckets) {
		if (bucket.openLedgers.size === 0 && now - bucket.lastUsed > IDLE_TTL_MS) dropBucket(key);
	}
}

// n8n runs a node again inside one execution for Retry On Fail in the same process, also under
// `n8n worker` (queue mode), so process memory sees every try of an execution.
const executionTokens = new WeakMap<object, string>();
let nextToken = 0;

function executionKeyOf(context: IExecuteFunctions): string {
	const id = context.getExecutionId?.();
	if (id) return `id:${id}`;
	// Without an execution id, the execute data object n8n passes to every try stands in for it.
	const executeData = context.getExecuteData() as object;
	let token = executionTokens.get(executeData);
	if (!token) {
		token = `local:${++nextToken}`;
		executionTokens.set(executeData, token);
	}
	return token;
}

function runIndexOf(context: IExecuteFunctions): number {
	try {
		const runIndex = context.getWorkflowDataProxy(0).$runIndex as unknown;
		return typeof runIndex === 'number' ? runIndex : 0;
	} catch {
		return 0;
	}
}

function callKeyOf(call: ItemCall): string {
	return `${call.itemIndex}\u0000${call.e164}\u0000${call.agent}`;
}

function numberKeyOf(call: ItemCall): string {
	return `${call.e164}\u0000${call.agent}`;
}

/**
 * The dial ledger of one run of the node in one execution. When n8n runs the node again for the
 * same items (Retry On Fail), an item already dialled gets its earlier result, an item whose
 * trigger may have reached Sysevo fails again with the same error, and only items never sent are
 * dialled. Entries end with the execution, or after an hour without use once no ledger holds them
 * open (`close`).
 */
export class DialLedger {
	private readonly key: string;
	private readonly nodeKey: string;
	private closed = false;
	/**
	 * Whether results are kept to be read back: only Retry On Fail runs the node again for the same
	 * items, and only an AI agent's tool calls read an earlier call's result (`firstCallTo`).
	 */
	private readonly keepsResults: boolean;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly asTool: boolean,
	) {
		const node = context.getNode();
		this.keepsResults = asTool || node.retryOnFail === true;
		this.nodeKey = `${executionKeyOf(context)}\u0000${node.name}`;
		this.key = `${this.nodeKey}\u0000${runIndexOf(context)}`;
		sweepIdle(Date.now());
		if (!buckets.has(this.key)) {
			const key = this.key;
			context.onExecutionFinish?.(() => dropBucket(key));
		}
		this.bucket();
	}

	/** This run of the node is done with its entries: from now on they may end once idle. */
	close(): void {
		this.closed = true;
		const bucket = buckets.get(this.key);
		if (!bucket?.openLedgers.delete(this)) return;
		bucket.lastUsed = Date.now();
	}

	lookup(call: ItemCall): LedgerEntry | undefined {
		return revived(buckets.get(this.key)?.entries.get(callKeyOf(call)));
	}

	/** Records that the trigger is about to be sent; refuses when the ledger is full. */
	sending(call: ItemCall): void {
		const bucket = this.bucket();
		if (!bucket.entries.has(callKeyOf(call)) && entryCount >= MAX_LEDGER_ENTRIES) {
			throw new NodeOperationError(
				this.context.getNode(),
				`No call was placed: this n8n process already holds ${MAX_LEDGER_ENTRIES} calls of running executions in its dial ledger`,
				{
					itemIndex: call.itemIndex,
					description:
						'The ledger keeps every call of a running execution so that Retry On Fail never dials a person twice. Split the input into smaller executions (for example with Loop Over Items), or wait for running executions to finish, then run this item again.',
				},
			);
		}
		this.set(call, { state: 'sending' });
		if (this.asTool) this.recordFirstCall(call);
	}

	private recordFirstCall(call: ItemCall): void {
		const calls = this.nodeCalls();
		const numberKey = numberKeyOf(call);
		if (!calls.firstCalls.has(numberKey))
			calls.firstCalls.set(numberKey, { bucketKey: this.key, callKey: callKeyOf(call) });
	}

	/**
	 * Takes one of the node's dials in this execution, counted across its runs and items; false when
	 * `limit` dials are taken already. A call never sent gives it back (`giveBackUnsentDial`).
	 */
	takeDial(call: ItemCall, limit: number | undefined): boolean {
		// Without a limit nothing is counted: no entry per item for nothing to read.
		if (limit === undefined) return true;
		const calls = this.nodeCalls();
		const holder = `${this.key}\u0000${callKeyOf(call)}`;
		if (calls.holders.has(holder)) return true;
		if (calls.dials >= limit) return false;
		calls.dials += 1;
		calls.holders.add(holder);
		return true;
	}

	/**
	 * The entry of the first call this node made to the call's number and agent in any of its runs
	 * in this execution, unless that is this very call.
	 */
	firstCallTo(call: ItemCall): LedgerEntry | undefined {
		const first = nodeCalls.get(this.nodeKey)?.firstCalls.get(numberKeyOf(call));
		if (!first || (first.bucketKey === this.key && first.callKey === callKeyOf(call)))
			return undefined;
		// Claimed by a tool call that has not sent yet (`claimFirstCall`): it is going out.
		return (
			revived(buckets.get(first.bucketKey)?.entries.get(first.callKey)) ?? { state: 'sending' }
		);
	}

	/**
	 * As an AI agent's tool: the first call to the call's number and agent, as `firstCallTo`, or,
	 * when there is none, this call becomes it at once, before any wait, so that a tool call
	 * running alongside for the same number is refused rather than dialled (the agent may run
	 * several at the same time). `releaseFirstCallUnlessSent` gives the number back.
	 */
	claimFirstCall(call: ItemCall): LedgerEntry | undefined {
		const first = this.firstCallTo(call);
		if (!first) this.recordFirstCall(call);
		return first;
	}

	/** The claim of `claimFirstCall` ends when this call sent nothing after all. */
	releaseFirstCallUnlessSent(call: ItemCall): void {
		const key = callKeyOf(call);
		if (!sentNothing(buckets.get(this.key)?.entries.get(key))) return;
		const calls = nodeCalls.get(this.nodeKey);
		const first = calls?.firstCalls.get(numberKeyOf(call));
		if (first?.bucketKey === this.key && first.callKey === key)
			calls?.firstCalls.delete(numberKeyOf(call));
	}

	/** The send failed with an answer that says no call was placed: the item may be dialled again. */
	notSent(call: ItemCall): void {
		const bucket = buckets.get(this.key);
		const key = callKeyOf(call);
		if (bucket?.entries.get(key)?.state !== 'sending') return;
		bucket.entries.delete(key);
		entryCount -= 1;
	}

	/** Gives back the dial `takeDial` gave this call when no trigger was sent for it after all. */
	giveBackUnsentDial(call: ItemCall): void {
		const calls = nodeCalls.get(this.nodeKey);
		if (!calls?.holders.size) return;
		if (!sentNothing(buckets.get(this.key)?.entries.get(callKeyOf(call)))) return;
		if (calls.holders.delete(`${this.key}\u0000${callKeyOf(call)}`)) calls.dials -= 1;
	}

	mayHaveDialed(call: ItemCall, error: MayHaveDialedError): void {
		this.set(call, {
			state: 'mayHaveDialed',
			error: {
				message: error.message,
				description: error.description,
				httpCode: error.httpCode,
				response: (error.errorResponse ?? {}) as JsonObject,
			},
		});
	}

	placed(call: ItemCall, placed: IDataObject): void {
		this.set(
			call,
			this.keepsResults
				? { state: 'placed', placed: deepCopy(placed) }
				: { state: 'finished', placed: true },
		);
	}

	/** The item's result. A result too large to keep leaves the placed call, read again on retry. */
	done(call: ItemCall, json: IDataObject, placed?: IDataObject): void {
		if (!this.keepsResults) {
			this.set(call, { state: 'finished', placed: placed !== undefined });
			return;
		}
		const text = textOf(json);
		if (text === undefined || keptChars + text.length > MAX_KEPT_RESULT_CHARS) {
			if (placed) this.placed(call, placed);
			return;
		}
		this.set(call, { state: 'done', text, placed }, text.length);
	}

	/** The error an item whose trigger may have dialled failed with, raised again for this try. */
	replayError(entry: Extract<LedgerEntry, { state: 'mayHaveDialed' }>, itemIndex: number) {
		const { error } = entry;
		return new MayHaveDialedError(this.context.getNode(), error.response, {
			message: error.message,
			description: error.description ?? undefined,
			httpCode: error.httpCode ?? undefined,
			itemIndex,
		});
	}

	private nodeCalls(): NodeCalls {
		this.bucket();
		let calls = nodeCalls.get(this.nodeKey);
		if (!calls) {
			calls = { dials: 0, holders: new Set(), firstCalls: new Map() };
			nodeCalls.set(this.nodeKey, calls);
		}
		return calls;
	}

	private bucket(): Bucket {
		let bucket = buckets.get(this.key);
		if (!bucket) {
			// Swept while idle or ended with its execution: start an empty one.
			bucket = {
				nodeKey: this.nodeKey,
				entries: new Map(),
				keptChars: 0,
				lastUsed: Date.now(),
				openLedgers: new Set(),
			};
			buckets.set(this.key, bucket);
		}
		// An open ledger keeps its bucket from being swept; its idle time counts from `close`.
		if (!this.closed) bucket.openLedgers.add(this);
		else bucket.lastUsed = Date.now();
		return bucket;
	}

	private set(call: ItemCall, entry: StoredEntry, chars = 0): void {
		const bucket = this.bucket();
		const key = callKeyOf(call);
		const previous = bucket.entries.get(key);
		if (!previous) entryCount += 1;
		else if (previous.state === 'done') {
			const previousChars = previous.text.length;
			bucket.keptChars -= previousChars;
			keptChars -= previousChars;
		}
		bucket.entries.set(key, entry);
		bucket.keptChars += chars;
		keptChars += chars;
	}
}

/** For tests: how many items and executions the process holds, and the size of the results kept. */
export function ledgerSize(): { entries: number; executions: number; keptChars: number } {
	return { entries: entryCount, executions: buckets.size, keptChars };
}
