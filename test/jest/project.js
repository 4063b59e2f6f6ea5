// One project of jest.config.js as a config of its own, for the npm scripts (`jest --selectProjects`
// would take the test paths given after it for more project names).
const { projects, ...shared } = require('../../jest.config.js');

module.exports = function projectConfig(name) {
	const project = projects.find((candidate) => candidate.displayName === name);
	if (!project) throw new Error(`jest.config.js has no project named ${name}`);
	return { ...shared, ...project };
};
