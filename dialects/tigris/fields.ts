import * as z from 'zod'
import { echo } from '../../src/core/errors.js'

// Field builders of the Tigris request schemas, with messages that name the field.

export const text = (field: string) => z.string({ error: `${field} must be a string.` })
export const required = (field: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required.` : `${field} must be a string.`) })
    .min(1, `${field} must not be empty.`)
export const strict = <T extends z.core.$ZodLooseShape>(shape: T, what: string) =>
  z.strictObject(shape, {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `${what} has unknown field ${echo(i.keys[0] ?? '')}.`
        : `${what} must be a JSON object.`,
  })
