import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';

import {
	describeHttpError,
	isTrigger,
	MAY_HAVE_DIALED,
	textOf,
	type ErrorText,
	type RequestPurpose,
} from '../helpers/errors';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../defaults';
import { backoffDelay, pause, retryAfterMs, type CancelSignal } from './backoff';

export const CREDENTIAL_NAME = 'sysevoApi';

export type SysevoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface SysevoRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, built only from validated identifiers. */
	path: string;
	purpose: RequestPurpose;
	qs?: IDataObject;
	body?: IDataObject;
	timeoutMs?: number;
	/** Tries for a read (default 4); a caller that already repeats its reads, like a wait, asks for 1. */
	attempts?: number;
	itemIndex?: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

type Attempt =
	| { ok: true; body: unknown }
	| {
			ok: false;
			retryable: boolean;
			waitMs?: number;
			error: ErrorText & { httpCode?: string };
			/** What Sysevo answered, kept on the error (`detail` and all); it never holds the key. */
			response?: JsonObject;
			/** A trigger that may have reached Sysevo and dialled. */
			mayHaveDialed?: boolean;
	  };

/**
 * A trigger that may have reached Sysevo and placed its call (timeout, dropped connection, 5xx,
 * unreadable 200): it must never be sent again (docs/sysevo-api.md §0.8).
 */
export class MayHaveDialedError extends NodeApiError {
	readonly mayHaveDialed = true;
}

const READ_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

// Failures in which the request provably never left this machine.
const NOT_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|getaddrinfo/i;
const TIMED_OUT = /timeout|timed out|ETIMEDOUT|ECONNABORTED|ESOCKETTIMEDOUT/i;
// n8n words a timeout as "The connection was aborted"; a cancelled request says ERR_CANCELED.
const CANCELLED = /ERR_CANCELED|\bcancell?ed\b/i;

interface ApiCredential {
	baseUrl: string;
	/** Handed to n8n's request helper, which would otherwise read the credential for every request. */
	decrypted: ICredentialsDecrypted;
}

// One credential read per execution context rather than per request.
const credentials = new WeakMap<SysevoContext, Promise<ApiCredential>>();

function apiCredential(this: SysevoContext): Promise<ApiCredential> {
	let credential = credentials.get(this);
	if (!credential) {
		credential = readCredential.call(this);
		credentials.set(this, credential);
	}
	return credential;
}

/** The credential's API root; reading it early keeps the first request from starting late. */
export async function apiBaseUrl(this: SysevoContext): Promise<string> {
	return (await apiCredential.call(this)).baseUrl;
}

async function readCredential(this: SysevoContext): Promise<ApiCredential> {
	const data = await this.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME);
	const { id, name } = this.getNode().credentials?.[CREDENTIAL_NAME] ?? {};
	return {
		baseUrl: baseUrlOf.call(this, data.baseUrl),
		decrypted: { id: id ?? '', name: name ?? '', type: CREDENTIAL_NAME, data },
	};
}

function baseUrlOf(this: SysevoContext, configured: unknown): string {
	const raw = String(configured ?? '').trim();
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new NodeApiError(this.getNode(), {} as JsonObject, {
			message: `The Base URL "${raw}" in the Sysevo credential is not a valid URL`,
			description: 'Use the API root, e.g. https://api.sysevo.io/api/v1',
		});
	}
	if (
		(url.protocol !== 'https:' && url.protocol !== 'http:') ||
		url.username ||
		url.password ||
		url.search ||
		url.hash
	) {
		throw new NodeApiError(this.getNode(), {} as JsonObject, {
			message:
				'The Base URL in the Sysevo credential must be a plain http(s) URL without user, query or fragment',
			description: 'Use the API root, e.g. https://api.sysevo.io/api/v1',
		});
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function cancelSignalOf(context: SysevoContext): CancelSignal | undefined {
	const candidate = context as Partial<IExecuteFunctions>;
	return typeof candidate.getExecutionCancelSignal === 'function'
		? candidate.getExecutionCancelSignal()
		: undefined;
}

function errorTextOf(error: unknown): string {
	const candidate = error as {
		message?: unknown;
		messages?: unknown;
		description?: unknown;
		cause?: { code?: unknown; message?: unknown };
	};
	const parts = [
		candidate?.message,
		candidate?.description,
		candidate?.cause?.code,
		candidate?.cause?.message,
	];
	if (Array.isArray(candidate?.messages)) parts.push(...candidate.messages);
	return parts.filter((part) => typeof part === 'string').join(' ');
}

function networkFailure(error: unknown, request: SysevoRequest, timeoutMs: number): Attempt {
	const text = errorTextOf(error);
	const trigger = isTrigger(request.purpose);
	if (NOT_SENT.test(text)) {
		return {
			ok: false,
			retryable: true,
			error: {
				message: 'Could not connect to Sysevo',
				description: `The request was not sent${trigger ? ', so no call was placed' : ''}. Check the Base URL in the Sysevo credential and the network.`,
			},
		};
	}
	const timedOut = TIMED_OUT.test(text) && !CANCELLED.test(text);
	const message = timedOut
		? `Sysevo did not answer within ${Math.round(timeoutMs / 1000)} seconds`
		: 'The connection to Sysevo broke before an answer arrived';
	return {
		ok: false,
		retryable: !trigger,
		mayHaveDialed: trigger,
		error: {
			message,
			description: trigger
				? MAY_HAVE_DIALED
				: 'The request was retried without success; try again in a few minutes.',
		},
	};
}

function answerOf(response: FullResponse, request: SysevoRequest): Attempt {
	const { statusCode, body } = response;
	if (statusCode >= 200 && statusCode < 300) {
		if (typeof body === 'object' && body !== null) return { ok: true, body };
		return {
			ok: false,
			retryable: !isTrigger(request.purpose),
			mayHaveDialed: isTrigger(request.purpose),
			error: {
				message: 'Sysevo answered with a body that is not valid JSON',
				description: isTrigger(request.purpose)
					? `Sysevo accepted the request (HTTP ${statusCode}). ${MAY_HAVE_DIALED}`
					: "This is a problem on Sysevo's side; try again in a few minutes.",
				httpCode: String(statusCode),
			},
		};
	}
	const error = {
		...describeHttpError(statusCode, body, request.purpose),
		httpCode: String(statusCode),
	};
	// Only reads are retried here. A trigger's 429 placed no call, but how long to keep trying is
	// the caller's policy (nodes/Sysevo/calling/rateLimit.ts); a 5xx on a trigger may have dialled.
	const retryable = !isTrigger(request.purpose) && (statusCode === 429 || statusCode >= 500);
	return {
		ok: false,
		retryable,
		waitMs: retryAfterMs(response.headers['retry-after']),
		error,
		response: responseOf(statusCode, body),
		mayHaveDialed: isTrigger(request.purpose) && statusCode >= 500,
	};
}

function responseOf(statusCode: number, body: unknown): JsonObject {
	return typeof body === 'object' && body !== null && !Array.isArray(body)
		? { status: statusCode, ...(body as JsonObject) }
		: { status: statusCode, body: textOf(body) };
}

async function sendOnce(
	this: SysevoContext,
	options: IHttpRequestOptions,
	request: SysevoRequest,
	timeoutMs: number,
): Promise<Attempt> {
	try {
		const { decrypted } = await apiCredential.call(this);
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_NAME,
			options,
			{ credentialsDecrypted: decrypted },
		)) as FullResponse;
		return answerOf(response, request);
	} catch (error) {
		return networkFailure(error, request, timeoutMs);
	}
}

/**
 * The one request path to the Sysevo API. The key is added by the credential and only ever goes to
 * the credential's base URL: redirects are refused rather than followed. Reads are retried on
 * transient failures; a trigger is resent only when it provably never left this machine.
 */
export async function sysevoApiRequest(
	this: SysevoContext,
	request: SysevoRequest,
): Promise<IDataObject> {
	const baseUrl = await apiBaseUrl.call(this);
	const timeoutMs = request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: true,
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	};
	const signal = cancelSignalOf(this);

	for (let attempt = 0; ; attempt++) {
		const result = await sendOnce.call(this, options, request, timeoutMs);
		if (result.ok) return result.body as IDataObject;

		const canRetry =
			result.retryable && !signal?.aborted && attempt + 1 < (request.attempts ?? READ_ATTEMPTS);
		if (!canRetry) {
			const ErrorType = result.mayHaveDialed ? MayHaveDialedError : NodeApiError;
			throw new ErrorType(
				this.getNode(),
				result.response ?? ({ message: result.error.message } as JsonObject),
				{
					message: result.error.message,
					description: result.error.description,
					httpCode: result.error.httpCode,
					itemIndex: request.itemIndex,
				},
			);
		}
		// A Retry-After (from a proxy in front of Sysevo; Sysevo sends none) is kept to the same cap.
		const delay = Math.min(
			result.waitMs ?? backoffDelay(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS),
			BACKOFF_CAP_MS,
		);
		const completed = await pause(delay, signal);
		if (!completed) {
			throw new NodeApiError(this.getNode(), { message: 'Execution was canceled' } as JsonObject, {
				message: 'Execution was canceled while waiting to retry the request',
				description: isTrigger(request.purpose)
					? 'No call was placed for this item.'
					: 'Nothing was changed in Sysevo.',
				itemIndex: request.itemIndex,
			});
		}
	}
}
