// What the staff app knows: who is logged in and the hotels they belong to, the hotel being
// worked (from the URL), and each hotel's public details and departments, fetched once.
import { signal } from "@preact/signals";
import { api, ApiError, type Reply, type Schemas } from "../lib/api/client";

export type Profile = Schemas["Profile"];
export type Membership = Schemas["Membership"];
export type Role = Schemas["Role"];
export type StaffRequest = Schemas["StaffRequest"];
export type Activity = Schemas["Activity"];
export type Status = Schemas["Status"];
export type Priority = Schemas["Priority"];
export type PublicHotel = Schemas["PublicHotel"];
export type PublicDepartment = Schemas["PublicDepartment"];

export interface Me {
  user: Profile;
  /** The person's active memberships. */
  memberships: Membership[];
}

/** `undefined` until asked; `null` when nobody is logged in. */
export const me = signal<Me | null | undefined>(undefined);

/** The hotel last worked in, for the navigation of screens that belong to no hotel. */
export const lastHotel = signal<string | null>(null);

/** Why the person is on the login page, to say so. */
export const arrival = signal<"expired" | "loggedOut" | null>(null);

const RANK: Record<Role, number> = { STAFF: 0, ADMIN: 1, SUPERADMIN: 2 };

/** Whether `role` is `least` or above it. */
export function atLeast(role: Role, least: Role): boolean {
  return RANK[role] >= RANK[least];
}

export function membershipOf(slug: string): Membership | null {
  return me.value?.memberships.find((m) => m.hotel === slug) ?? null;
}

/** Who is logged in (the cookies decide); `null` when nobody. */
export async function loadMe(): Promise<Me | null> {
  try {
    const profile = await api.get<Reply<"/api/v1/auth/profile", "get">>("/auth/profile", {
      sessionOptional: true,
    });
    const next = { user: profile.user, memberships: profile.memberships.filter((m) => m.active) };
    me.value = next;
    return next;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      me.value = null;
      return null;
    }
    throw error;
  }
}

/** Where a person goes after logging in when no page asked for them. */
export function homeOf(who: Me): string {
  const [only, ...others] = who.memberships;
  if (only && others.length === 0) return `/staff/hotels/${only.hotel}`;
  if (only) return "/staff/hotels";
  if (who.user.is_operator) return "/staff/operator";
  return "/staff/hotels";
}

export async function logout() {
  try {
    await api.post("/auth/logout");
  } finally {
    me.value = null;
    arrival.value = "loggedOut";
  }
}

export interface HotelDetails {
  hotel: PublicHotel;
  departments: PublicDepartment[];
}

const details = new Map<string, Promise<HotelDetails>>();
export const hotels = signal<Record<string, HotelDetails>>({});

/**
 * The hotel's public details and active departments, asked for once per page load; `fresh`
 * reads past the browser's cache of these public answers (after an admin changed them).
 */
export function hotelDetails(slug: string, fresh = false): Promise<HotelDetails> {
  let found = fresh ? undefined : details.get(slug);
  if (!found) {
    const path = `/hotels/${encodeURIComponent(slug)}`;
    const options = fresh ? { cache: "no-cache" as const } : {};
    found = Promise.all([
      api.get<PublicHotel>(path, options),
      api.get<Reply<"/api/v1/hotels/{hotel}/departments", "get">>(`${path}/departments`, options),
    ]).then(([hotel, list]) => {
      const value = { hotel, departments: list.items };
      // A fresher read asked meanwhile has the last word.
      if (details.get(slug) === found) hotels.value = { ...hotels.value, [slug]: value };
      return value;
    });
    found.catch(() => details.delete(slug));
    details.set(slug, found);
  }
  return found;
}

/** A department's name, or its slug while the names are not known. */
export function departmentName(hotel: string, slug: string): string {
  return hotels.value[hotel]?.departments.find((d) => d.slug === slug)?.name ?? slug;
}

/** The hotel's time zone (its clocks decide what "today" and 22:00 mean). */
export function timeZoneOf(hotel: string): string {
  return hotels.value[hotel]?.hotel.timezone ?? "UTC";
}
