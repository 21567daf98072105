// The map-app links name no city of their own: Baidu's route region is the district file's city, passed in
// by the pages (city_zh of GET /api/district/info), and left out when the district is not known.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { navigationUrl } from '../../web/src/common/navigation.ts';
import { PROJECT_ROOT } from '../../server/config.ts';

const district = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'data', 'district.json'), 'utf8')) as { city_zh: string; center: [number, number] };

describe('Baidu walking link', () => {
  const to = { lon: district.center[0], lat: district.center[1], name: '目的地' };
  it('takes its region from the district, and has none without one', () => {
    expect(new URL(navigationUrl('baidu', to, undefined, district.city_zh)).searchParams.get('region')).toBe(district.city_zh);
    expect(new URL(navigationUrl('baidu', to, undefined, '西宁市')).searchParams.get('region')).toBe('西宁市');
    expect(new URL(navigationUrl('baidu', to)).searchParams.has('region')).toBe(false);
  });
});
