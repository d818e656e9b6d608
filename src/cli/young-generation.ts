import { setFlagsFromString } from 'node:v8'

/**
 * V8's flag that keeps the young generation at its first size. V8 otherwise doubles each semi-space up
 * to 16 MB under load and never gives it back: ~30 MB of RSS that holds nothing live once a burst of
 * creates is over (bench: 10,000 keys in ~76 MB instead of ~104). The cost is more frequent, cheap
 * scavenges: within the noise for reads, a few percent on creates.
 */
export const YOUNG_GENERATION_CAP = '--semi-space-growth-factor=1'

// A semi-space option the user gave Node (command line or NODE_OPTIONS) is theirs to keep.
const SEMI_SPACE_OPTION = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/

/** The flag to set for a process started with these options, or undefined when the user chose one. */
export function youngGenerationFlag(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  return [...execArgv, nodeOptions].some((option) => SEMI_SPACE_OPTION.test(option)) ? undefined : YOUNG_GENERATION_CAP
}

/**
 * Cap the young generation of this process, unless its user set a semi-space option. For the bin only,
 * first thing at start: a library must not change the V8 flags of the process that imports it, and
 * the growth factor is read at each growth, so it holds from the first one after it is set.
 */
export function capYoungGeneration(): void {
  const flag = youngGenerationFlag(process.execArgv, process.env.NODE_OPTIONS)
  if (flag) setFlagsFromString(flag)
}
