'use strict'
// Express, send, type-is and accepts require mime-types at load, and with it all of mime-db (150 kB of
// the bundle to read and compile at each start), for res.type(), res.send(), express.static(),
// req.is() and req.accepts(): keyemu writes its own Content-Type and calls none of them.
const leftOut = require('./left-out.cjs')('mime-types')
for (const name of ['charset', 'contentType', 'extension', 'lookup']) module.exports[name] = leftOut
module.exports.charsets = { lookup: leftOut }
module.exports.extensions = {}
module.exports.types = {}
