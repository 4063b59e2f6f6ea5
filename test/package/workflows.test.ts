import { readPackageJson, readWorkflow as workflow, type Workflow } from '../helpers/repoFiles';

const packageJson = readPackageJson();

function runLines(parsed: Workflow): string[] {
	return Object.values(parsed.jobs).flatMap((job) =>
		job.steps.flatMap((step) => (step.run ?? '').split('\n')),
	);
}

/** The package.json scripts a workflow starts (`npm run x`, `npm test`). */
function scriptsNamed(parsed: Workflow): string[] {
	return runLines(parsed).flatMap((line) =>
		[...line.matchAll(/\bnpm (?:run (\S+)|(test)\b)/g)].map((match) => match[1] ?? match[2]),
	);
}

describe('the GitHub Actions workflows', () => {
	it('CI installs cleanly, lints, builds, runs the README test command, the other jest commands and the scan', () => {
		const ci = workflow('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(runLines(ci)).toContain('npm ci --no-audit --no-fund');
		expect(scriptsNamed(ci)).toEqual([
			'lint',
			'typecheck',
			'build',
			'test',
			'test:slow',
			'test:sandbox',
			'test:package',
			'scan',
		]);
	});

	it('publish runs on a version tag, with an OIDC token, and releases with provenance', () => {
		const publish = workflow('publish.yml');
		expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
		const [job] = Object.values(publish.jobs);
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
		expect(scriptsNamed(publish)).toEqual([
			'test',
			'test:slow',
			'test:sandbox',
			'test:package',
			'scan',
			'release',
		]);
		// n8n-node release publishes with NPM_CONFIG_PROVENANCE=true inside GitHub Actions.
		expect(packageJson.scripts.release).toBe('n8n-node release');
	});

	it('names only scripts that package.json has', () => {
		for (const name of ['ci.yml', 'publish.yml'])
			for (const script of scriptsNamed(workflow(name)))
				expect({ name, script, defined: script in packageJson.scripts }).toEqual({
					name,
					script,
					defined: true,
				});
	});
});

describe('package.json links', () => {
	it('point the repository, homepage and bug tracker at the same GitHub repository', () => {
		const repository = packageJson.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
		expect(repository).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
		expect(packageJson.homepage).toBe(`${repository}#readme`);
		expect(packageJson.bugs.url).toBe(`${repository}/issues`);
	});
});
