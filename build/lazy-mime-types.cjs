'use strict'
// Stands in for mime-types in the bundled CLI: Express and its helpers require it at load, which builds
// its tables from the whole mime-db (~30 ms of each start), yet keyemu writes its own Content-Type and
// never calls res.type(), res.send() or express.static(). The real module loads on first use, if ever.
let real
const load = () => {
  real ??= require('../node_modules/mime-types/index.js')
  return real
}
for (const name of ['charset', 'charsets', 'contentType', 'extension', 'extensions', 'lookup', 'types']) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] })
}
