import bird from '../dialects/bird/index.js'
import iam from '../dialects/iam/index.js'
import lightsail from '../dialects/lightsail/index.js'
import linode from '../dialects/linode/index.js'
import s3 from '../dialects/s3/index.js'
import sts from '../dialects/sts/index.js'
import tigris from '../dialects/tigris/index.js'
import type { Dialect } from './protocol/route.js'

/** Every dialect keyemu serves, in the order the edge port tries them. */
export const dialects: Dialect[] = [iam, sts, lightsail, linode, bird, tigris, s3]
