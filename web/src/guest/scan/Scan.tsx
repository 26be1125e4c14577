// `/scan/{code}`: what a room's QR code opens. Shows the hotel and the room, then the login,
// or lets a guest already logged in to this room go on.
import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { ApiError } from "../../lib/api/client";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { t } from "../i18n";
import { Layout } from "../layout/Layout";
import {
  arrival,
  hotel,
  loadSession,
  roomOf,
  saveRoomCode,
  session,
  settle,
  whoIsLoggedIn,
  type Room,
} from "../state";
import { Login } from "./Login";

export function Scan() {
  const { params } = useRoute();
  const { route } = useLocation();
  const code = params.code ?? "";
  const [room, setRoom] = useState<Room | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setRoom(null);
    setProblem(null);
    // Who is logged in is asked at the same time; the welcome does not wait for it.
    const who = whoIsLoggedIn().catch(() => null);
    roomOf(code)
      .then(async (found) => {
        if (!live) return;
        saveRoomCode(found.code);
        hotel.value = found.hotel;
        setRoom(found);
        const known = await who;
        if (live) settle(known, { hotel: found.hotel.slug, location: found.location });
      })
      .catch((error: unknown) => {
        if (!live) return;
        const unknown = error instanceof ApiError && (error.status === 404 || error.status === 400);
        setProblem(unknown ? t("scan.unknown") : messageOf(error));
      });
    return () => {
      live = false;
    };
  }, [code]);

  if (problem) {
    return (
      <Layout>
        <Title>{t("app.name")}</Title>
        <Notice kind="error">{problem}</Notice>
      </Layout>
    );
  }
  if (!room) {
    return (
      <Layout>
        <Loading label={t("app.loading")} />
      </Layout>
    );
  }
  const current = session.value;
  const here =
    current?.stay != null &&
    current.stay.hotel === room.hotel.slug &&
    current.stay.location === room.location;
  const why = arrival.value;

  return (
    <Layout room={room.location}>
      <Title>{t("scan.welcome", { hotel: room.hotel.name })}</Title>
      <p>{t("scan.intro")}</p>
      {why === "expired" ? <Notice kind="info">{t("scan.expired")}</Notice> : null}
      {why === "loggedOut" ? <Notice kind="info">{t("scan.loggedOut")}</Notice> : null}
      {here && current ? (
        <a class="button button-block" href="/">
          {t("scan.continue", { name: current.user.name || current.user.phone || "" })}
        </a>
      ) : session.value === undefined ? (
        <Loading label={t("app.loading")} />
      ) : (
        <Login
          room={room}
          onLoggedIn={async () => {
            arrival.value = null;
            await loadSession({ hotel: room.hotel.slug, location: room.location });
            route("/");
          }}
        />
      )}
    </Layout>
  );
}

/** `/scan` without a code, or any page with no room known: ask for the room's QR code. */
export function NoRoom() {
  return (
    <Layout>
      <Title>{t("app.name")}</Title>
      {arrival.value === "loggedOut" ? <Notice kind="info">{t("scan.loggedOut")}</Notice> : null}
      <p>{t("scan.noRoom")}</p>
    </Layout>
  );
}
