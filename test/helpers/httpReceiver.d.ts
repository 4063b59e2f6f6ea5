export interface ReceivedRequest {
	method?: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	body: unknown;
	params: object;
	query: object;
}

export interface ReceiverResponse {
	readonly writableEnded: boolean;
	writeHead(status: number, headers?: Record<string, string>): unknown;
	end(body?: string): unknown;
}

/** Answers with what the handler returns (200 JSON) unless the handler already wrote a response. */
export function startReceiver(
	handler: (request: ReceivedRequest, response: ReceiverResponse) => Promise<unknown>,
): Promise<{ url: string; close(): Promise<void> }>;
