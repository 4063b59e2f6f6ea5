// `npm run test:package`: the package project of jest.config.js.
module.exports = require('./project')('package');
