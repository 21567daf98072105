// Who is writing: the signed-in staff member every write and audit row names. The auth domain signs
// people in and fills request.staff; the write path below it only needs the shape.

export type StaffRole = 'admin' | 'editor' | 'viewer';

export interface StaffIdentity { id: number; username: string; role: StaffRole; street_code: string | null; display_name: string | null }
