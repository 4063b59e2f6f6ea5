export function report(line: string): void;
