import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contextColumns } from '../../shared/helpers/runSummary';
import {
	ERROR_COLUMN,
	stableRows,
	type OutputOptions,
	type StableColumns,
} from '../../shared/runOutput';

/** One output row: an item's data, and whether it is the item's error (then the error too). */
export type OutputRow =
	| { item: INodeExecutionData; failed: false }
	| { item: INodeExecutionData; failed: true; error: Error };

/** What a failed item's row says: its message, with what to do next. */
export function errorText(error: { message: string; description?: string | null }): string {
	return error.description ? `${error.message} (${error.description})` : error.message;
}

/**
 * Puts what an operation knows about each failed item (e.g. the number it was to call) in front of
 * its error row. A courtesy: when it cannot be read, the error itself is what matters.
 */
export function withFailedItemFields(
	context: IExecuteFunctions,
	rows: OutputRow[],
	fieldsOf: (context: IExecuteFunctions, i: number, error: Error) => IDataObject,
): OutputRow[] {
	return rows.map((row) => {
		if (!row.failed) return row;
		const paired = row.item.pairedItem as { item: number };
		let known: IDataObject = {};
		try {
			known = fieldsOf(context, paired.item, row.error);
		} catch {
			return row;
		}
		return { ...row, item: { ...row.item, json: { ...known, ...row.item.json } } };
	});
}

/** A Continue On Fail error row as a simplified row: what the item was about, and the error. */
function simplifiedError(json: IDataObject): IDataObject {
	const { initial_context: context, error, description, ...known } = json;
	delete known.http_code;
	return {
		...known,
		...contextColumns(context),
		[ERROR_COLUMN]: errorText({
			message: String(error ?? ''),
			description: typeof description === 'string' ? description : null,
		}),
	};
}

/**
 * The execution-wide pass of the run operations: with Simplify, every row (error rows too) gets
 * the same columns in the same order; `error` is a column whenever Continue On Fail is on.
 */
export function finalizeRunItems(
	this: IExecuteFunctions,
	rows: OutputRow[],
	always: Omit<StableColumns, 'error'> = {},
): OutputRow[] {
	const options = this.getNodeParameter('options', 0, {}) as OutputOptions;
	if (!options.simplify) return rows;
	const simple = stableRows(
		rows.map(({ item, failed }) => (failed ? simplifiedError(item.json) : item.json)),
		{ ...always, error: this.continueOnFail() },
	);
	return rows.map((row, k) => ({ ...row, item: { ...row.item, json: simple[k] } }));
}
