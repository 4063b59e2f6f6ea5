export interface WorkflowStep {
	run?: string;
	uses?: string;
	with?: Record<string, unknown>;
}
export interface Workflow {
	on: Record<string, unknown>;
	jobs: Record<string, { permissions?: Record<string, string>; steps: WorkflowStep[] }>;
}
export interface PackageJson {
	scripts: Record<string, string>;
	homepage: string;
	repository: { url: string };
	bugs: { url: string };
}
export function readPackageJson(): PackageJson;
export function readWorkflow(name: string): Workflow;
