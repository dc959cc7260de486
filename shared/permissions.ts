/**
 * VoIPBIN agent permission bits (PROTOCOL.md §2.2). The JWT carries a snapshot of these
 * taken at login, and the server validates topics against that snapshot.
 */
export const Permission = {
  ProjectSuperAdmin: 0x01,
  CustomerAgent: 0x10,
  CustomerAdmin: 0x20,
  CustomerManager: 0x40,
} as const;

const WORDS: readonly (readonly [number, string])[] = [
  [Permission.ProjectSuperAdmin, 'project super admin'],
  [Permission.CustomerAdmin, 'customer admin'],
  [Permission.CustomerManager, 'customer manager'],
  [Permission.CustomerAgent, 'agent'],
];

/** Permission bitmask in words, highest first, e.g. ["customer admin", "agent"]. */
export function permissionWords(mask: number): string[] {
  const words = WORDS.filter(([bit]) => (mask & bit) !== 0).map(([, word]) => word);
  return words.length > 0 ? words : ['no permissions'];
}

/** Admins and managers may use customer-wide topics; plain agents may not. */
export function hasCustomerScope(mask: number): boolean {
  return (mask & (Permission.CustomerAdmin | Permission.CustomerManager | Permission.ProjectSuperAdmin)) !== 0;
}
