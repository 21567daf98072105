// TypeBox schemas every domain's routes share: a street code and a numeric id in the path.
import { Type } from 'typebox';

export const StreetCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit official street code, e.g. 120103003000 (桃园街道)' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
