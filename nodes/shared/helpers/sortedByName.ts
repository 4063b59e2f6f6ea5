/** n8n lists collection options alphabetically: the same order, for options built in code. */
export function sortedByName<T extends { displayName: string }>(options: T[]): T[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
