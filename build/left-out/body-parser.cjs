'use strict'
// Express requires body-parser to offer express.json() and friends, which keyemu never calls (its
// adapter reads bodies itself); left out, its iconv-lite tables (~0.6 MB) are neither read nor compiled.
const leftOut = require('./left-out.cjs')('body-parser')
module.exports = leftOut
module.exports.json = leftOut
module.exports.raw = leftOut
module.exports.text = leftOut
module.exports.urlencoded = leftOut
