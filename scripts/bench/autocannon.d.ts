// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Request { method?: string; path?: string; headers?: Record<string, string>; body?: string }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      headers?: Record<string, string>;
      amount?: number;
      requests?: (Request & { setupRequest?: (req: Request, context: unknown) => Request })[];
    }
    interface Histogram { average: number; mean: number; p50: number; p90: number; p99: number; max: number }
    interface Result {
      requests: Histogram & { total: number };
      latency: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      duration: number;
    }
  }
  function autocannon(options: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): unknown;
  export default autocannon;
}
