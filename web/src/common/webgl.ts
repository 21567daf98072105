// WebGL2 detection without loading the map library: MapLibre 6 needs WebGL2; old in-app browsers lack
// it, and the pages show a list and a static picture instead.
export function hasWebGL2(): boolean {
  try {
    return Boolean(document.createElement('canvas').getContext('webgl2'));
  } catch {
    return false;
  }
}
