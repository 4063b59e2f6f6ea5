export const root: string;
export function packIsolated(): { packageDir: string; files: string[]; requiredModules: string[] };
