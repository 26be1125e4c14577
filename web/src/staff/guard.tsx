// Screens for a logged-in person: they wait for who it is, and send anyone else to the login
// page keeping the page they asked for. Hotel screens also need a membership of that hotel,
// and admin screens its role: a typed URL is refused in words, as the API would refuse it.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Loading, Notice, Title } from "../lib/ui";
import { messageOf } from "./errors";
import { t } from "./i18n";
import { Layout } from "./layout/Layout";
import { atLeast, hotelDetails, lastHotel, loadMe, me, type Me, type Membership, type Role } from "./state";

/** The login page, coming back to `path` afterwards. */
export function loginUrl(path: string): string {
  return `/staff/login?next=${encodeURIComponent(path)}`;
}

export function WithMe(props: { children: (who: Me) => ComponentChildren }) {
  const { url, route } = useLocation();
  const who = me.value;
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (who === undefined) void loadMe().catch(setError);
    else if (who === null) route(loginUrl(url), true);
  }, [who]);
  if (!who) {
    return (
      <Layout>
        {error ? (
          <>
            <Notice kind="error">{messageOf(error)}</Notice>
            <button
              type="button"
              class="button"
              onClick={() => {
                setError(null);
                void loadMe().catch(setError);
              }}
            >
              {t("common.retry")}
            </button>
          </>
        ) : (
          <Loading label={t("app.loading")} />
        )}
      </Layout>
    );
  }
  return <>{props.children(who)}</>;
}

export function WithMember(props: {
  hotel: string;
  least?: Role;
  /** Operators may open this screen of any hotel. */
  operator?: boolean;
  children: (membership: Membership, who: Me) => ComponentChildren;
}) {
  useEffect(() => {
    void hotelDetails(props.hotel).catch(() => undefined);
    lastHotel.value = props.hotel;
  }, [props.hotel]);
  return (
    <WithMe>
      {(who) => {
        const membership = who.memberships.find((m) => m.hotel === props.hotel);
        if (!membership) {
          return (
            <Layout>
              <Title>{t("refused.title")}</Title>
              <Notice kind="error">{t("refused.notMember")}</Notice>
              <a href="/staff/hotels">{t("hotels.title")}</a>
            </Layout>
          );
        }
        if (props.least && !atLeast(membership.role, props.least)) {
          return (
            <Layout hotel={props.hotel}>
              <Title>{t("refused.title")}</Title>
              <Notice kind="error">
                {t(props.least === "SUPERADMIN" ? "refused.superadmin" : "refused.admin")}
              </Notice>
              <a href={`/staff/hotels/${props.hotel}`}>{t("nav.queue")}</a>
            </Layout>
          );
        }
        return <Layout hotel={props.hotel}>{props.children(membership, who)}</Layout>;
      }}
    </WithMe>
  );
}
