'use strict'
// Stands in for body-parser in the bundled CLI: Express requires it to offer express.json() and
// friends, which keyemu never calls (its adapter reads bodies itself); left out, its iconv-lite
// tables (~0.6 MB) are neither read nor compiled at each start.
function leftOut() {
  throw new Error('body-parser is left out of the keyemu CLI bundle')
}
module.exports = leftOut
module.exports.json = leftOut
module.exports.raw = leftOut
module.exports.text = leftOut
module.exports.urlencoded = leftOut
