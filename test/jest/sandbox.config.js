// `npm run test:sandbox`: the sandbox project of jest.config.js.
module.exports = require('./project')('sandbox');
