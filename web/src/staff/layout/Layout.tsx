// Every screen's frame: the hotel being worked, the navigation its role allows (admin screens
// only for admins), the unread notifications, and the screen itself as the main landmark.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { signal } from "@preact/signals";
import { api, type Reply } from "../../lib/api/client";
import { t } from "../i18n";
import { atLeast, hotels, lastHotel, logout, me, membershipOf } from "../state";

/** Unread notifications, as last counted. */
export const unread = signal<number | null>(null);

export async function countUnread() {
  try {
    unread.value = (
      await api.get<Reply<"/api/v1/notifications/unread-count", "get">>("/notifications/unread-count")
    ).unread;
  } catch {
    // The count waits for the next try; the notifications page says what went wrong.
  }
}

const COUNT_EVERY_MS = 30_000;

/** Whether the browser has a connection, as it says. */
const online = signal(typeof navigator === "undefined" || navigator.onLine);
if (typeof window !== "undefined") {
  window.addEventListener("online", () => (online.value = true));
  window.addEventListener("offline", () => (online.value = false));
}

/** The new requests waiting, for the tab's title (the queue sets it). */
export const waiting = signal(0);

export function Layout(props: { hotel?: string; children: ComponentChildren }) {
  const { route, path } = useLocation();
  const who = me.value;
  const hotel = props.hotel ?? (who ? lastHotel.value : null);
  const membership = hotel ? membershipOf(hotel) : null;
  const hotelName = hotel && membership ? (hotels.value[hotel]?.hotel.name ?? hotel) : null;
  useEffect(() => {
    if (!who) return;
    void countUnread();
    const timer = setInterval(() => void countUnread(), COUNT_EVERY_MS);
    return () => clearInterval(timer);
  }, [who?.user.id]);
  useEffect(() => {
    const base = hotelName ? `${hotelName} · ${t("app.name")}` : t("app.name");
    document.title = waiting.value > 0 ? `(${waiting.value}) ${t("queue.titleNew")} · ${base}` : base;
  }, [hotelName, waiting.value]);

  const link = (href: string, label: ComponentChildren) => (
    <a href={href} aria-current={path === href ? "page" : undefined}>
      {label}
    </a>
  );
  const base = hotel && membership ? `/staff/hotels/${hotel}` : null;
  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="masthead">
        <div class="brand">
          <p class="hotel-name">{hotelName ?? t("app.name")}</p>
          {who ? <p class="room">{who.user.name}</p> : null}
        </div>
        {who ? (
          <button
            type="button"
            class="link on-accent"
            onClick={async () => {
              await logout();
              route("/staff/login");
            }}
          >
            {t("nav.logout")}
          </button>
        ) : null}
      </header>
      {who ? (
        <nav class="tabs staff-tabs" aria-label={t("nav.label")}>
          {base ? link(base, t("nav.queue")) : null}
          {base ? link(`${base}/dashboard`, t("nav.dashboard")) : null}
          {base ? link(`${base}/stays`, t("nav.stays")) : null}
          {link(
            "/staff/notifications",
            <>
              {t("nav.notifications")}
              {unread.value ? (
                <span class="count" aria-label={t("nav.unread", { count: unread.value })}>
                  {unread.value}
                </span>
              ) : null}
            </>,
          )}
          {base && membership && atLeast(membership.role, "ADMIN") ? (
            <>
              {link(`${base}/admin/departments`, t("nav.departments"))}
              {link(`${base}/admin/experiences`, t("nav.experiences"))}
              {link(`${base}/admin/members`, t("nav.members"))}
              {link(`${base}/admin/qr-codes`, t("nav.qr"))}
            </>
          ) : null}
          {base && membership && atLeast(membership.role, "SUPERADMIN") ? (
            <>
              {link(`${base}/admin/settings`, t("nav.settings"))}
              {link(`${base}/admin/audit`, t("nav.audit"))}
            </>
          ) : null}
          {who.memberships.length > 1 ? link("/staff/hotels", t("nav.hotels")) : null}
          {who.user.is_operator ? link("/staff/operator", t("nav.operator")) : null}
        </nav>
      ) : null}
      <main id="main" class="screen">
        {online.value ? null : (
          <p class="notice notice-error" role="alert">
            {t("offline.banner")}
          </p>
        )}
        {props.children}
      </main>
    </>
  );
}
