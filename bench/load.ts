import autocannon from 'autocannon'

export const LOAD = { connections: 10, pipelining: 1, warmupSeconds: 1, seconds: 5 }

export interface LoadFigures {
  rps: number
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
  resets: number
}

/** One bounded autocannon run against 127.0.0.1 in this process. */
export async function load(url: string, requests: autocannon.Request[], seconds: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    connections: LOAD.connections,
    pipelining: LOAD.pipelining,
    duration: seconds,
    timeout: 10,
    requests,
  })
  return {
    rps: result.requests.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    resets: result.resets,
  }
}

/** A warm-up run (discarded), then the measured run; `requests` is called afresh for each. */
export async function measure(
  url: string,
  requests: (run: string) => Promise<autocannon.Request[]>,
): Promise<LoadFigures> {
  await load(url, await requests('warmup'), LOAD.warmupSeconds)
  return load(url, await requests('measured'), LOAD.seconds)
}
