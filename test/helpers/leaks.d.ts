export interface LeakScan {
	artifacts: number;
	files: number;
	counts: { output: number; error: number; hint: number; log: number; other: number };
	leaks: Array<{ file: string; kind: string; secret: string; excerpt: string }>;
}

/** The temp dir of this run's artifacts, or undefined when the leak check is not set up. */
export function leakDir(): string | undefined;
/** Appends each output item, the error and each execution hint of a node run to this worker's file. */
export function recordRun(result: unknown): void;
export function recordLog(source: string, text: string): void;
export function mirrorConsole(consoleObject: object, proc: object): void;
export function secretVariants(keys: string[]): string[];
export function scanForLeaks(dir: string, keys: string[]): LeakScan;
/** Throws on any leak, on an empty scan, and when a required kind of artifact is missing. */
export function assertNoLeaks(
	result: LeakScan,
	requiredKinds?: Array<keyof LeakScan['counts']>,
): void;
export function makeArtifactDir(files: Record<string, string>): string;
export function removeDir(dir: string): void;
export function toPlain(value: unknown): unknown;
/** The shared secrets the webhook tests configure; the suite-wide scan looks for them. */
export const WEBHOOK_TEST_SECRETS: Readonly<{ credential: string; legacy: string }>;
/** The given API keys plus the webhook test secrets. */
export function suiteSecrets(apiKeys: string[]): string[];
