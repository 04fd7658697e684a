/**
 * The signed-in user as the session answer gives it: `{ user: {...} }` or the user itself.
 * @typedef {{ id: string, email: string, name: string, role: string, tenantId: string | null }} User
 */

/** @param {any} answer @returns {User | null} */
export function normalizeUser(answer) {
  const u = answer?.user ?? answer;
  if (!u || typeof u !== 'object' || typeof u.role !== 'string') return null;
  return {
    id: String(u.id ?? u.userId ?? ''),
    email: String(u.email ?? ''),
    name: String(u.name ?? u.email ?? ''),
    role: u.role,
    tenantId: typeof u.tenantId === 'string' ? u.tenantId : null,
  };
}
