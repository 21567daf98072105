// The answers of the sign-in routes (routes.ts: the staff member and the session) and of the staff account
// routes (accountRoutes.ts). The admin page types its session and its 人员 tab from these (type-only imports).
import { Type } from 'typebox';

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer')]);
export const StaffUser = Type.Object({
  id: Type.Integer(), username: Type.String(), role: Role,
  street_code: Type.Union([Type.String(), Type.Null()]), display_name: Type.Union([Type.String(), Type.Null()]),
});
export const SignInNotice = Type.Object({
  failed_attempts: Type.Integer({ description: 'refused sign-in attempts with this username since the previous sign-in' }),
  last_failed_at: Type.Union([Type.String(), Type.Null()]),
  previous_sign_in_at: Type.Union([Type.String(), Type.Null()]),
}, { description: 'told to the owner for the whole session' });
export const SessionInfo = Type.Object({ user: StaffUser, csrf_token: Type.String(), sign_in: SignInNotice });

/** A staff account as the account routes answer it; the list adds the last sign-in. */
export const Account = Type.Object({
  id: Type.Integer(), username: Type.String(), role: Role,
  street_code: Type.Union([Type.String(), Type.Null()]), display_name: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});
export const AccountListed = Type.Intersect([Account, Type.Object({
  last_login_at: Type.Union([Type.String(), Type.Null()]), created_at: Type.String(),
})]);
