import type { RequestContext } from './context';
import { findApiKey, userExists, type ApiKeyRecord } from './data';
import { detail, type SandboxResponse } from './http';

export type AuthResult =
	| { key: ApiKeyRecord; response?: undefined }
	| { key?: undefined; response: SandboxResponse };

/**
 * Dograh's `get_user` dependency, used by every `/workflow/*` and `/organizations/*` route.
 * It runs before the route's own parameters are validated, so a bad key beats a bad id.
 */
export function authenticateUser(ctx: RequestContext): AuthResult {
	const presented = ctx.headers['x-api-key'];
	// An empty X-API-Key is falsy in Python, so it falls through to the Authorization path.
	if (presented) {
		const key = findApiKey(presented);
		if (!key) return { response: detail(401, 'Invalid or expired API key') };
		if (key.createdBy === null) return { response: detail(401, 'API key has no associated user') };
		// The public trigger routes do not look the creator up, so such a key still dials there.
		if (!userExists(key.createdBy)) return { response: detail(401, 'API key owner not found') };
		return { key };
	}
	const message =
		ctx.app.options().authStyle === 'oss' ? 'Authorization header required' : 'Unauthorized';
	return { response: detail(401, message) };
}
