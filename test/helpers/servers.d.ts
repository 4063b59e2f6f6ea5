export interface SeenRequest {
	method: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}
export interface Answer {
	status?: number;
	headers?: Record<string, string>;
	body?: string;
}
export function startServer(
	answer: (request: { method?: string; url?: string }) => Answer | undefined,
): Promise<{
	origin: string;
	requests: SeenRequest[];
	close: () => Promise<void>;
}>;
