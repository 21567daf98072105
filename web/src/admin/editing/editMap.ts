// The map of an editing tab: the listed records as coloured dots (closed ones hollow), the one being
// edited highlighted, and a draggable marker for the form's position. A click on empty map places the
// marker (when the record may be edited); a click on a dot selects that record.
import { Marker, type ExpressionSpecification, type GeoJSONSource, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { createMap, hasWebGL2 } from '../../map/createMap.ts';
import { labelFont } from '../../map/overlay.ts';
import { addAreaLayers } from '../../map/areaLayers.ts';
import type { DistrictOutline } from '../../../../server/records/validation.ts';

export interface MapRecord { id: number; lon: number; lat: number; color: string; name: string; closed: boolean; sample: boolean }

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

export class EditMap {
  private placing = false;
  private readonly marker: Marker;
  private placeListener: ((lon: number, lat: number) => void) | null = null;
  private selectListener: ((id: number) => void) | null = null;

  private constructor(readonly map: MapLibreMap, private readonly sampleLabel: string) {
    const el = document.createElement('div');
    el.className = 'edit-marker';
    el.setAttribute('aria-hidden', 'true');
    el.style.cssText = 'width:22px;height:22px;border-radius:50% 50% 50% 0;background:#d7191c;border:3px solid #fff;box-shadow:0 1px 4px rgba(0,0,0,.5);transform:rotate(-45deg);cursor:grab';
    // The pin is a square with one sharp corner turned to point down: its tip sits 15.6 px below the
    // element's centre, 4.6 px below its bottom edge, so a 'bottom' anchor lifted by that puts the tip on the place.
    this.marker = new Marker({ element: el, draggable: true, anchor: 'bottom', offset: [0, -5] });
    this.marker.on('dragend', () => {
      const { lng, lat } = this.marker.getLngLat();
      this.placeListener?.(round(lng), round(lat));
    });
    map.on('click', (e: MapMouseEvent) => {
      const hit = map.queryRenderedFeatures(e.point, { layers: ['records-dot'] })[0];
      if (hit && hit.id !== undefined) { this.selectListener?.(Number(hit.id)); return; }
      if (!this.placing) return;
      const lon = round(e.lngLat.lng), lat = round(e.lngLat.lat);
      this.setPosition([lon, lat], true);
      this.placeListener?.(lon, lat);
    });
    map.on('mouseenter', 'records-dot', () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', 'records-dot', () => { map.getCanvas().style.cursor = this.placing ? 'crosshair' : ''; });
  }

  /** Null when the browser has no WebGL2 (the form still takes typed coordinates). */
  static async create(container: HTMLElement, ariaLabel: string, district: DistrictOutline | null, sampleLabel: string): Promise<EditMap | null> {
    if (!hasWebGL2()) return null;
    const map = await createMap({ container, ariaLabel, zoom: 14.5 });
    const font = labelFont(map);
    map.addSource('district', {
      type: 'geojson',
      data: district ? { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: district.polygons } } : EMPTY,
    });
    map.addLayer({ id: 'district-line', type: 'line', source: 'district', paint: { 'line-color': '#6a3d9a', 'line-width': 1.5, 'line-dasharray': [4, 2] } });
    addAreaLayers(map, font);
    map.addSource('records', { type: 'geojson', data: EMPTY, promoteId: 'id' });
    map.addLayer({
      id: 'records-dot', type: 'circle', source: 'records',
      paint: {
        'circle-radius': ['case', ['boolean', ['feature-state', 'selected'], false], 9, 6],
        'circle-color': ['case', ['get', 'closed'], '#ffffff', ['get', 'color']],
        'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#111111', ['get', 'color']],
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 2],
      },
    });
    map.addLayer({
      id: 'records-label', type: 'symbol', source: 'records', minzoom: 15.5,
      layout: { 'text-field': ['get', 'name'], 'text-font': font, 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
      paint: { 'text-color': '#222222', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
    });
    return new EditMap(map, sampleLabel);
  }

  setRecords(records: MapRecord[]): void {
    (this.map.getSource('records') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: records.map((r) => ({
        type: 'Feature', id: r.id, geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
        properties: { id: r.id, color: r.color, name: r.sample ? `${r.name} (${this.sampleLabel})` : r.name, closed: r.closed },
      })),
    });
  }

  private selected: number | null = null;
  setSelected(id: number | null): void {
    if (this.selected !== null) this.map.setFeatureState({ source: 'records', id: this.selected }, { selected: false });
    this.selected = id;
    if (id !== null) this.map.setFeatureState({ source: 'records', id }, { selected: true });
  }

  /** The form's position: shown as the draggable marker (draggable only when the record may be edited). */
  setPosition(at: [number, number] | null, editable: boolean): void {
    this.placing = editable;
    this.map.getCanvas().style.cursor = editable ? 'crosshair' : '';
    if (!at) { this.marker.remove(); return; }
    this.marker.setLngLat(at).setDraggable(editable);
    if (!this.marker.getElement().isConnected) this.marker.addTo(this.map);
  }

  /** Allows placing by click without a marker yet (a new record). */
  setPlacing(on: boolean): void {
    this.placing = on;
    this.map.getCanvas().style.cursor = on ? 'crosshair' : '';
  }

  onPlace(listener: (lon: number, lat: number) => void): void { this.placeListener = listener; }
  onSelect(listener: (id: number) => void): void { this.selectListener = listener; }

  show(at: [number, number]): void {
    const bounds = this.map.getBounds();
    if (!bounds.contains(at) || this.map.getZoom() < 15) this.map.easeTo({ center: at, zoom: Math.max(this.map.getZoom(), 16), duration: 400 });
  }

  center(): [number, number] {
    const c = this.map.getCenter();
    return [round(c.lng), round(c.lat)];
  }

  remove(): void { this.map.remove(); }
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

