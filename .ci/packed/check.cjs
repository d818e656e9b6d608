// keyemu ships ES modules only; CommonJS callers load them through require(esm) (Node 20.19+, 22.12+).
const { IAMClient, ListUsersCommand } = require('@aws-sdk/client-iam')
const { createEmulator } = require('keyemu')
const { createHandlers, unhandledRequests } = require('keyemu/msw')
const { setupServer } = require('msw/node')

if (typeof createEmulator !== 'function') throw new Error('require("keyemu") has no createEmulator')
const server = setupServer(...createHandlers())
server.listen(unhandledRequests('error'))
const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
iam
  .send(new ListUsersCommand({}))
  .then(({ Users }) => {
    if (!Array.isArray(Users)) throw new Error('ListUsers through the handlers gave no Users')
  })
  .finally(() => server.close())
