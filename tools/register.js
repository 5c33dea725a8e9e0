// The SWC require hook lives in bin/register.js, which the package ships for `npx cdk8s-realtime
// synth`; this path stays for `node -r ./tools/register.js ...` in this repository's scripts.
'use strict';
require('../bin/register.js');
