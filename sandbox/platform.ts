/**
 * Which platform build the sandbox plays. Each flag names the first Dograh release whose
 * release commit (`.release-please-manifest.json`) contains the change; see the fidelity
 * table in `sandbox/README.md` for the files.
 */

export const PLATFORM_VERSIONS = [
	'1.37',
	'1.38',
	'1.39',
	'1.40',
	'1.41',
	'1.42',
	'1.43',
	'1.44',
	'1.45',
] as const;

export type PlatformVersion = (typeof PLATFORM_VERSIONS)[number];

export const DEFAULT_PLATFORM_VERSION: PlatformVersion = '1.45';

export interface PlatformFeatures {
	/** Never-connected calls get `call_disposition`, `call_id`, zero usage and integrations (1.38). */
	notConnectedDisposition: boolean;
	/** The webhook payload gets a top-level `call_disposition` when the template lacks it (1.38). */
	webhookAddsDisposition: boolean;
	/**
	 * Durable webhook delivery (1.40): `X-Dograh-*` headers, retries with backoff on 408/425/429/
	 * 500/502/503/504 and network errors, every other failure dead-lettered, secret-looking
	 * custom headers dropped. Before: one POST, all custom headers sent.
	 */
	durableWebhooks: boolean;
	/** The trigger takes an org concurrency slot and answers 429 when none is free (1.42). */
	concurrencyCap: boolean;
	/**
	 * 1.44: `merge_external_initial_context` (drops `provider`, `runtime_configuration`,
	 * `mps_correlation_id`), `direction`, `called_number` re-set after the merge, and after the
	 * dial `caller_number` plus `gathered_context.provider/triggered_by/trigger_uuid`.
	 * Before: `initial_context.update(caller_context)` over fewer system keys.
	 */
	callContextStored: boolean;
	/** A 402 or 400 on the trigger completes the run with `gathered_context.error` (1.44). */
	failedInitiationCompletesRun: boolean;
	/** `from_phone_number_id` is read and checked (1.45); older builds ignore the field. */
	fromPhoneNumberId: boolean;
}

function atLeast(version: PlatformVersion, minimum: PlatformVersion): boolean {
	return PLATFORM_VERSIONS.indexOf(version) >= PLATFORM_VERSIONS.indexOf(minimum);
}

export function featuresOf(version: PlatformVersion): PlatformFeatures {
	return {
		notConnectedDisposition: atLeast(version, '1.38'),
		webhookAddsDisposition: atLeast(version, '1.38'),
		durableWebhooks: atLeast(version, '1.40'),
		concurrencyCap: atLeast(version, '1.42'),
		callContextStored: atLeast(version, '1.44'),
		failedInitiationCompletesRun: atLeast(version, '1.44'),
		fromPhoneNumberId: atLeast(version, '1.45'),
	};
}

export function isPlatformVersion(value: unknown): value is PlatformVersion {
	return typeof value === 'string' && (PLATFORM_VERSIONS as readonly string[]).includes(value);
}

/** What `GET /health` reports; the legacy run shape stands for the ~1.31 build. */
export function healthVersion(version: PlatformVersion, legacyRunShape: boolean): string {
	return legacyRunShape ? '1.31.0' : `${version}.0`;
}
