import type { JsonObject } from "../json";
import { hashIndex } from "../random";
import { tagOf } from "../ids";
import type { GenerationContext, RecordGenerator } from "./context";
import { FIRST_NAMES, LAST_NAMES } from "./names";
import { hasQuirk } from "./quirks";

const NAME_SPACE = FIRST_NAMES.length * LAST_NAMES.length;
// Coprime with NAME_SPACE, so index → name is a permutation: the first NAME_SPACE users all differ.
const NAME_STRIDE = 997;

/** Deactivated (or not yet active) users, hidden from `/v2/users` unless `include_inactive=true`. */
export function isUserActiveByDefault(index: number): boolean {
  return index % 10 !== 9;
}

function baseRoleSlot(index: number): number {
  if (index === 0) return 0;
  if (index % 6 === 1) return 1;
  if (index % 4 === 3) return 3;
  return 2;
}

function slackId(seed: number, index: number): string {
  return `U0${hashIndex(seed, tagOf("users"), index, 11).toString(36).toUpperCase().padStart(7, "0")}`;
}

/** The fields other records embed about user `index` (`UserV2`), mutations included. */
export function userRef(ctx: GenerationContext, index: number): JsonObject {
  const position = (index * NAME_STRIDE + ctx.seed) % NAME_SPACE;
  const first = FIRST_NAMES[position % FIRST_NAMES.length] ?? "Alex";
  const last = LAST_NAMES[Math.floor(position / FIRST_NAMES.length)] ?? "Doe";
  const round = Math.floor(index / NAME_SPACE);
  const ref: JsonObject = {
    id: ctx.id("users", index),
    name: `${first} ${last}`,
    role: index % 9 === 8 ? "unset" : (["owner", "administrator", "responder", "viewer"][baseRoleSlot(index)] ?? "responder"),
  };
  if (index % 13 !== 6) ref["email"] = `${first}.${last}${round > 0 ? round + 1 : ""}@example.com`.toLowerCase();
  if (index % 7 !== 3) ref["slack_user_id"] = slackId(ctx.seed, index);
  const patch = ctx.patch("users", index);
  if (patch) for (const field of ["name", "email", "slack_user_id", "role"]) if (patch[field] !== undefined) ref[field] = patch[field];
  return ref;
}

/** The same user as teams embed it (`UserV3`: no role). */
export function userV3Ref(ctx: GenerationContext, index: number): JsonObject {
  const { role: _role, ...rest } = userRef(ctx, index);
  return rest;
}

/** `UserWithRolesV2` as `/v2/users` lists it. */
export const generateUser: RecordGenerator = (ctx, index) => {
  const rng = ctx.rng("users", index);
  const slot = baseRoleSlot(index);
  const baseRole = ctx.org.baseRoles[slot] ?? {};
  const customRoles = index % 11 === 10 ? [...ctx.org.customRoles] : index % 5 === 2 ? ctx.org.customRoles.slice(0, 1) : [];
  const onCall = slot === 3 ? "none" : rng.pick(["full_access", "full_access", "none"]);
  const user: JsonObject = {
    ...userRef(ctx, index),
    is_active: isUserActiveByDefault(index),
    base_role: baseRole,
    custom_roles: customRoles,
    seats: { on_call: onCall, response: slot === 3 ? "viewer_only" : rng.pick(["full_access", "viewer_only"]) },
  };
  if (hasQuirk("users", index)) {
    user["seats"] = { on_call: "limited", response: "full_access" };
    user["locale"] = "en-GB";
  }
  return user;
};
