import { json, type SandboxResponse } from './http';
import type { FaultKind, FaultRoute, FaultSpec } from './types';

export type RouteName = Exclude<FaultRoute, 'any'> | 'other';

export const FAULT_KINDS: FaultKind[] = [
	'text500',
	'html502',
	'json503',
	'resetBeforeRead',
	'resetAfterRead',
	'hang',
	'malformedJson',
	'slowBody',
];

const FAULT_ROUTES: FaultRoute[] = [
	'trigger',
	'getRun',
	'listAgents',
	'listRuns',
	'download',
	'any',
];

interface ActiveFault {
	spec: FaultSpec;
	remaining: number;
}

/** Faults waiting to hit requests, consumed first-injected-first. */
export class FaultRegistry {
	private active: ActiveFault[] = [];

	inject(spec: FaultSpec): void {
		const problem = describeInvalidFault(spec);
		if (problem) throw new Error(problem);
		const remaining = spec.times ?? 1;
		if (remaining > 0) this.active.push({ spec: { ...spec }, remaining });
	}

	clear(): void {
		this.active = [];
	}

	/**
	 * Before the body is read only an unfiltered `resetBeforeRead` can fire. A phone-filtered
	 * fault earlier in line needs the body, so the decision waits until it is read.
	 */
	takeBeforeRead(route: RouteName): FaultSpec | undefined {
		for (const fault of this.active) {
			if (fault.spec.phone !== undefined) return undefined;
			if (!routeMatches(fault.spec, route)) continue;
			return fault.spec.kind === 'resetBeforeRead' ? this.consume(fault) : undefined;
		}
		return undefined;
	}

	take(route: RouteName, phone: string | undefined): FaultSpec | undefined {
		const fault = this.active.find(
			(candidate) =>
				routeMatches(candidate.spec, route) &&
				(candidate.spec.phone === undefined ||
					(route === 'trigger' && candidate.spec.phone === phone)),
		);
		return fault ? this.consume(fault) : undefined;
	}

	private consume(fault: ActiveFault): FaultSpec {
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.active = this.active.filter((candidate) => candidate !== fault);
		return fault.spec;
	}
}

function routeMatches(spec: FaultSpec, route: RouteName): boolean {
	const wanted = spec.route ?? 'any';
	return wanted === 'any' || wanted === route;
}

export function describeInvalidFault(spec: unknown): string | undefined {
	if (typeof spec !== 'object' || spec === null) return 'a fault must be an object';
	const candidate = spec as Partial<FaultSpec>;
	if (!FAULT_KINDS.includes(candidate.kind as FaultKind))
		return `kind must be one of ${FAULT_KINDS.join(', ')}`;
	if (candidate.route !== undefined && !FAULT_ROUTES.includes(candidate.route)) {
		return `route must be one of ${FAULT_ROUTES.join(', ')}`;
	}
	if (candidate.times !== undefined && typeof candidate.times !== 'number')
		return 'times must be a number';
	if (candidate.phone !== undefined && typeof candidate.phone !== 'string')
		return 'phone must be a string';
	if (candidate.delayMs !== undefined && typeof candidate.delayMs !== 'number')
		return 'delayMs must be a number';
	return undefined;
}

const NGINX_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** The 5xx faults: answered instead of the route, before any side effect. */
export function gatewayFaultResponse(kind: 'text500' | 'html502' | 'json503'): SandboxResponse {
	if (kind === 'text500') {
		return {
			status: 500,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
			body: 'Internal Server Error',
		};
	}
	if (kind === 'html502') {
		return {
			status: 502,
			headers: { 'content-type': 'text/html', server: 'nginx' },
			body: NGINX_502,
		};
	}
	return json(503, {
		detail: 'A Dograh service is temporarily unavailable. Please try again later.',
	});
}

/** A 200 `application/json` whose body stops half way. */
export function truncatedJsonResponse(real: SandboxResponse): SandboxResponse {
	const body = real.body.length > 1 ? real.body.slice(0, Math.floor(real.body.length / 2)) : '{"';
	return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

export function isGatewayFault(kind: FaultKind): kind is 'text500' | 'html502' | 'json503' {
	return kind === 'text500' || kind === 'html502' || kind === 'json503';
}
