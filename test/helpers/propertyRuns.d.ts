/** The run count for a property whose full count is `full`: a tenth of it in `npm test`. */
export function propertyRuns(full: number): number;
