#!/usr/bin/env node
// `npx cdk8s-realtime <command>`: see `npx cdk8s-realtime help` and the README.
'use strict';
process.exitCode = require('../build/cli/index.js').main(process.argv.slice(2));
