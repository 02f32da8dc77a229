/** A role of the acting user as Fiat reports it. */
export interface GateRole {
  readonly name: string;
  /** Role provider, e.g. `GITHUB_TEAMS`, `LDAP`, `FILE`, `EXTERNAL`. */
  readonly source: string;
}

/** The acting user, exactly as `input.user` of `spinnaker.http.authz` carries it. */
export interface GateUser {
  readonly username: string;
  readonly roles: readonly GateRole[];
  readonly isAdmin: boolean;
}

/** A user as an identity source may describe it: roles as names or `{name, source}`. */
export interface GateUserLike {
  readonly username: string;
  readonly roles?: readonly (string | { readonly name: string; readonly source?: string })[];
  readonly isAdmin?: boolean;
}

/** Role source used for roles given as plain names. */
export const DEFAULT_ROLE_SOURCE = 'EXTERNAL';

/** Normalises a user description to the `input.user` shape (`roles` as `[{name, source}]`). */
export function toGateUser(user: GateUserLike, defaultRoleSource: string = DEFAULT_ROLE_SOURCE): GateUser {
  return {
    username: user.username,
    roles: (user.roles ?? []).map((r) =>
      typeof r === 'string' ? { name: r, source: defaultRoleSource } : { name: r.name, source: r.source ?? defaultRoleSource },
    ),
    isAdmin: user.isAdmin === true,
  };
}
