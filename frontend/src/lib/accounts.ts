import { api, type ApiClient } from './api';
import type { Locale } from './i18n';

// The accounts API (accounts/openapi.yaml): types as the server sends them, and one function per
// call. Each takes the client last so that tests can hand in a fake one.

export const professions = [
  'police',
  'judge',
  'prosecutor',
  'education',
  'health',
  'labour_inspection',
  'social_work',
  'other',
] as const;
export type Profession = (typeof professions)[number];

export const institutionKinds = [
  'police_directorate',
  'court',
  'prosecutors_office',
  'school',
  'health_centre',
  'labour_inspectorate',
  'social_work_centre',
  'ngo',
  'other',
] as const;
export type InstitutionKind = (typeof institutionKinds)[number];

export const roles = ['learner', 'trainer', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The password rules the server applies (counted in characters, not bytes). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export interface InstitutionInfo {
  id: number;
  name: string;
  kind: string;
  city: string;
  country: string;
}

export interface Institution extends InstitutionInfo {
  members: number;
}

export interface Me {
  id: number;
  email: string;
  full_name: string;
  locale: Locale;
  profession: string;
  roles: Role[];
  institution: InstitutionInfo | null;
}

export interface Session {
  user: Me;
  access_expires_at: string;
  refresh_expires_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface Member {
  id: number;
  email: string;
  full_name: string;
  profession: string;
  roles: Role[];
  disabled: boolean;
}

export type InvitationStatus = 'active' | 'used_up' | 'expired' | 'revoked';

export interface Invitation {
  id: number;
  /** Only in the answer that created it: the code is shown once. */
  code?: string;
  code_hint: string;
  email?: string;
  full_name?: string;
  profession?: string;
  max_uses: number;
  uses: number;
  expires_at: string;
  status: InvitationStatus;
}

export interface ImportRow {
  line: number;
  email: string;
  full_name: string;
  profession: string;
  status: 'invited' | 'rejected';
  reason?: string;
  code?: string;
  expires_at?: string;
}

export interface ImportReport {
  invited: number;
  rejected: number;
  rows: ImportRow[];
}

export interface UserView extends Member {
  locale: string;
  institution_id: number | null;
  created_at: string;
  disabled_at: string | null;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: string;
  outcome: string;
  client_ip: string;
  request_id: string;
  detail?: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEvent[];
  /** 0 when there is nothing older. */
  next_before_id: number;
}

export const auditActions = [
  'login.success',
  'login.failure',
  'login.locked',
  'logout',
  'refresh.reuse',
  'password.change',
  'account.register',
  'roles.change',
  'membership.join',
  'membership.remove',
  'invitation.create',
  'invitation.revoke',
  'account.disabled',
  'account.enabled',
  'institution.create',
  'institution.update',
] as const;

export const auditOutcomes = ['success', 'failure', 'denied'] as const;

export interface RegisterInput {
  email: string;
  password: string;
  full_name: string;
  locale: Locale;
  profession: string;
  invitation_code?: string;
}

export interface MePatch {
  full_name?: string;
  locale?: Locale;
  profession?: string;
}

export interface InstitutionInput {
  name: string;
  kind: string;
  city: string;
  country: string;
}

export interface RolesInput {
  trainer: boolean;
  manager: boolean;
  admin: boolean;
  institution_id?: number | null;
}

export interface ListQuery {
  q?: string;
  offset?: number;
  limit?: number;
  profession?: string;
  role?: string;
}

export interface AuditQuery {
  action?: string;
  outcome?: string;
  since?: string;
  until?: string;
  before_id?: number;
  limit?: number;
}

/** Drops empty strings, so that "any" in a filter sends no parameter at all. */
function clean(q: object): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v !== '' && v !== undefined && v !== null) out[k] = v as string | number;
  }
  return out;
}

const inst = (id: number) => `/institutions/${encodeURIComponent(id)}`;

export const register = (input: RegisterInput, c: ApiClient = api) => c.post<Session>('/auth/register', input);
export const login = (email: string, password: string, c: ApiClient = api) =>
  c.post<Session>('/auth/login', { email, password });
export const logout = (c: ApiClient = api) => c.post<void>('/auth/logout');
export const getMe = (c: ApiClient = api) => c.get<Me>('/me');
export const patchMe = (patch: MePatch, c: ApiClient = api) => c.patch<Me>('/me', patch);
export const changePassword = (current_password: string, new_password: string, c: ApiClient = api) =>
  c.post<void>('/me/password', { current_password, new_password });
export const acceptInvitation = (invitation_code: string, c: ApiClient = api) =>
  c.post<Me>('/me/institution', { invitation_code });

export const listInstitutions = (q: ListQuery = {}, c: ApiClient = api) =>
  c.get<Page<Institution>>('/institutions', { query: clean(q) });
export const getInstitution = (id: number, c: ApiClient = api) => c.get<Institution>(inst(id));
export const createInstitution = (input: InstitutionInput, c: ApiClient = api) =>
  c.post<Institution>('/institutions', input);
export const updateInstitution = (id: number, input: InstitutionInput, c: ApiClient = api) =>
  c.put<Institution>(inst(id), input);

export const listMembers = (id: number, q: ListQuery = {}, c: ApiClient = api) =>
  c.get<Page<Member>>(`${inst(id)}/members`, { query: clean(q) });
export const removeMember = (id: number, userId: number, c: ApiClient = api) =>
  c.delete<void>(`${inst(id)}/members/${encodeURIComponent(userId)}`);

export const listInvitations = (id: number, q: ListQuery = {}, c: ApiClient = api) =>
  c.get<Page<Invitation>>(`${inst(id)}/invitations`, { query: clean(q) });
export const createInvitation = (id: number, max_uses: number, expires_in_days: number, c: ApiClient = api) =>
  c.post<Invitation>(`${inst(id)}/invitations`, { max_uses, expires_in_days });
export const revokeInvitation = (id: number, invitationId: number, c: ApiClient = api) =>
  c.delete<void>(`${inst(id)}/invitations/${encodeURIComponent(invitationId)}`);
export const importStaff = (id: number, csv: string, expiresInDays: number, c: ApiClient = api) =>
  c.post<ImportReport>(`${inst(id)}/invitations/import`, new Blob([csv], { type: 'text/csv' }), {
    query: { expires_in_days: expiresInDays },
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
  });

export const searchUsers = (q: ListQuery & { institution_id?: number } = {}, c: ApiClient = api) =>
  c.get<Page<UserView>>('/users', { query: clean(q) });
export const getUser = (id: number, c: ApiClient = api) => c.get<UserView>(`/users/${encodeURIComponent(id)}`);
export const setRoles = (id: number, input: RolesInput, c: ApiClient = api) =>
  c.put<UserView>(`/users/${encodeURIComponent(id)}/roles`, input);
export const setDisabled = (id: number, disabled: boolean, c: ApiClient = api) =>
  c.post<UserView>(`/users/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`);

export const listAudit = (q: AuditQuery = {}, c: ApiClient = api) =>
  c.get<AuditPage>('/audit', { query: clean(q) });

/** Whether me holds role (everyone signed in is a learner). */
export function hasRole(me: Me | null | undefined, role: Role): boolean {
  return !!me && (role === 'learner' || me.roles.includes(role));
}

/** The institution me manages, if any. */
export function managedInstitution(me: Me | null | undefined): InstitutionInfo | null {
  return me && me.roles.includes('manager') ? me.institution : null;
}
