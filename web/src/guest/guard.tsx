// Screens for a logged-in guest with a stay: they wait for the session, and send anyone else
// back to the room's page (or to "scan your room's code").
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Loading } from "../lib/ui";
import { t } from "./i18n";
import { Layout } from "./layout/Layout";
import { loadHotel, loadSession, savedRoomCode, session, type Session } from "./state";

export function WithStay(props: {
  children: (session: Session & { stay: NonNullable<Session["stay"]> }) => ComponentChildren;
}) {
  const { route } = useLocation();
  const current = session.value;
  useEffect(() => {
    if (current === undefined) {
      void loadSession().catch(() => undefined);
    } else if (current?.stay) {
      void loadHotel(current.stay.hotel).catch(() => undefined);
    } else {
      const code = savedRoomCode();
      route(code ? `/scan/${code}` : "/scan", true);
    }
  }, [current]);
  if (!current?.stay) {
    return (
      <Layout>
        <Loading label={t("app.loading")} />
      </Layout>
    );
  }
  return <Layout>{props.children({ ...current, stay: current.stay })}</Layout>;
}
