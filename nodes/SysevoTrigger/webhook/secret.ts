import { createHash, timingSafeEqual } from 'crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

type Headers = ReturnType<IWebhookFunctions['getHeaderData']>;

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export const MIN_SECRET_LENGTH = 16;

export function secretSetupProblem(headerName: string, secret: string): string | undefined {
	if (!HEADER_NAME.test(headerName)) return `"${headerName}" is not a valid HTTP header name`;
	if (secret.length < MIN_SECRET_LENGTH) {
		return `The shared secret must be at least ${MIN_SECRET_LENGTH} characters long`;
	}
	return undefined;
}

// Hashing first gives both sides the same length, so the comparison leaks neither content nor length.
function sameSecret(received: string, expected: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(received), digest(expected));
}

/**
 * Whether the request carries the secret in the named header. Sysevo sends a "Bearer token"
 * credential as `Authorization: Bearer <token>`, so that form is accepted on that header.
 */
export function hasValidSecret(headers: Headers, headerName: string, secret: string): boolean {
	if (secretSetupProblem(headerName, secret)) return false;
	const name = headerName.toLowerCase();
	const value = headers[name];
	if (typeof value !== 'string') return false;
	const token = name === 'authorization' ? value.replace(/^Bearer\s+/i, '') : value;
	return sameSecret(token.trim(), secret);
}
