/**
 * The options' defaults: the editor shows them (`default:` of each parameter) and the runtime uses
 * them when an option is not set, as in workflows saved before the option existed.
 */

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const DEFAULT_MAX_WAIT_SECONDS = 600;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
export const DEFAULT_OUTCOME_SETTLE_SECONDS = 180;
export const DEFAULT_MAX_RECORDING_SIZE_MB = 100;
export const DEFAULT_MAX_CONCURRENT_CALLS = 5;
/** Max Calls per Execution when the node runs as an AI agent's tool and the option is not set. */
export const DEFAULT_TOOL_CALL_BUDGET = 5;
/** Max Wait at Call Limit: long enough for a campaign that queues behind other executions' calls. */
export const DEFAULT_CALL_LIMIT_WAIT_SECONDS = 1800;

/**
 * How long a connected call's transcript is waited for once its outcome is written: Sysevo
 * uploads it seconds after (docs/sysevo-api.md §2.3, Timing). Trigger Call and Get Run wait for it
 * only when the output uses it; the Sysevo Trigger holds such a run back at most this long.
 */
export const TRANSCRIPT_GRACE_MS = 2 * 60_000;
