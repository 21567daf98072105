// vt-pbf ships no types; this is the one function the basemap uses.
declare module 'vt-pbf' {
  interface VtPbf {
    fromGeojsonVt(layers: Record<string, { features: unknown[] }>, options?: { version?: number; extent?: number }): Uint8Array;
  }
  const vtpbf: VtPbf;
  export default vtpbf;
}
