// What the guest app knows: the room whose QR code was scanned (kept, so an ended session can
// send the guest back to it), who is logged in and their stay, and the hotel.
import { signal } from "@preact/signals";
import { api, ApiError, type Reply, type Schemas } from "../lib/api/client";

export type Room = Reply<"/api/v1/qr/{code}", "get">;
export type Hotel = Schemas["PublicHotel"];
export type Stay = Schemas["Stay"];
export type Profile = Schemas["Profile"];

export interface Session {
  user: Profile;
  /** The active stay the guest is using, if they have one. */
  stay: Stay | null;
}

const ROOM_KEY = "concierge.room";

/** The room code last scanned on this device. */
export function savedRoomCode(): string | null {
  return typeof localStorage === "undefined" ? null : localStorage.getItem(ROOM_KEY);
}

export function saveRoomCode(code: string) {
  localStorage.setItem(ROOM_KEY, code);
}

const rooms = new Map<string, Promise<Room>>();

/**
 * The room of a QR code, asked for once per page load (each ask counts a scan). `main.tsx`
 * asks before the app renders, so the answer is on its way while the app starts.
 */
export function roomOf(code: string): Promise<Room> {
  let room = rooms.get(code);
  if (!room) {
    room = api.get<Room>(`/qr/${encodeURIComponent(code)}`);
    rooms.set(code, room);
  }
  return room;
}

/** `undefined` until asked; `null` when nobody is logged in. */
export const session = signal<Session | null | undefined>(undefined);
export const hotel = signal<Hotel | null>(null);

/** Why the guest is back on the room's page, to say so. */
export const arrival = signal<"expired" | "loggedOut" | null>(null);

/** Picks the stay of `room` among active stays, else the newest active one. */
export function stayFor(
  stays: readonly Stay[],
  room: { hotel: string; location: string } | null,
): Stay | null {
  const active = stays.filter((s) => s.active);
  return (
    active.find((s) => room !== null && s.hotel === room.hotel && s.location === room.location) ??
    active[0] ??
    null
  );
}

/** Who is logged in (cookies decide) and their stays; `null` when nobody. */
export async function whoIsLoggedIn(): Promise<{ user: Profile; stays: Stay[] } | null> {
  try {
    const profile = await api.get<Reply<"/api/v1/auth/profile", "get">>("/auth/profile", {
      sessionOptional: true,
    });
    const stays = await api.get<Reply<"/api/v1/me/stays", "get">>("/me/stays");
    return { user: profile.user, stays: stays.items };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Sets the session from who is logged in, with the stay of `room` when they have one there. */
export function settle(
  known: { user: Profile; stays: Stay[] } | null,
  room: { hotel: string; location: string } | null,
): Session | null {
  const next = known ? { user: known.user, stay: stayFor(known.stays, room) } : null;
  session.value = next;
  return next;
}

/** Who is logged in, with their stay (that of `room` when given); `null` when nobody. */
export async function loadSession(
  room: { hotel: string; location: string } | null = null,
): Promise<Session | null> {
  return settle(await whoIsLoggedIn(), room);
}

/** The hotel of the stay, fetched once. */
export async function loadHotel(slug: string): Promise<Hotel> {
  if (hotel.value?.slug === slug) return hotel.value;
  const found = await api.get<Hotel>(`/hotels/${encodeURIComponent(slug)}`);
  hotel.value = found;
  return found;
}

export async function logout() {
  try {
    await api.post("/auth/logout");
  } finally {
    session.value = null;
    arrival.value = "loggedOut";
  }
}
