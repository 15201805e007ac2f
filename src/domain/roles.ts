/** Who is asking: the roles of DESIGN.md §3 and the principal every operation runs as. */
export const staffRoles = ['waiter', 'kitchen', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];
export const signedInRoles = ['guest', ...staffRoles] as const;
export type Role = 'anonymous' | (typeof signedInRoles)[number];

export interface Principal {
  /** `anonymous`, a guest id (`gst_…`) or a staff key id (`key_…`). */
  id: string;
  role: Role;
  name: string;
  /** Only for guests: their table. */
  table?: number;
}

export const anonymous: Principal = { id: 'anonymous', role: 'anonymous', name: 'anonymous' };

export function isStaff(principal: Principal): boolean {
  return principal.role === 'waiter' || principal.role === 'kitchen' || principal.role === 'admin';
}
