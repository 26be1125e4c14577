// Every screen's frame: the hotel (logo, name, room), the language picker, the guest's
// navigation when logged in, and the screen itself as the main landmark.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { LANGUAGES, LANGUAGE_NAMES, type Language } from "../../lib/i18n";
import { i18n, t } from "../i18n";
import { hotel, logout, savedRoomCode, session } from "../state";

export function LanguagePicker() {
  return (
    <div class="picker">
      <label for="language">{t("language.label")}</label>
      <select
        id="language"
        autocomplete="language"
        value={i18n.language.value}
        onChange={(e) => i18n.choose(e.currentTarget.value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Layout(props: { room?: string | null; children: ComponentChildren }) {
  const { route } = useLocation();
  const current = hotel.value;
  const loggedIn = session.value?.stay != null;
  const accent = current?.branding.accent_color;
  useEffect(() => {
    // Through the CSSOM, which the app's CSP allows (a style attribute would not be).
    if (accent) document.documentElement.style.setProperty("--accent", accent);
    else document.documentElement.style.removeProperty("--accent");
  }, [accent]);
  useEffect(() => {
    document.documentElement.lang = i18n.language.value;
    document.title = current ? `${current.name} · ${t("app.name")}` : t("app.name");
  }, [i18n.language.value, current?.name]);
  const room = props.room ?? session.value?.stay?.location ?? null;

  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="masthead">
        <div class="brand">
          {current?.branding.logo_url ? (
            <img class="logo" src={current.branding.logo_url} alt="" width={40} height={40} />
          ) : null}
          <div>
            <p class="hotel-name">{current?.name ?? t("app.name")}</p>
            {room ? <p class="room">{t("room.label", { room })}</p> : null}
          </div>
        </div>
        <LanguagePicker />
      </header>
      {loggedIn ? (
        <nav class="tabs" aria-label={t("app.name")}>
          <a href="/">{t("nav.home")}</a>
          <a href="/requests">{t("nav.requests")}</a>
          <button
            type="button"
            class="link"
            onClick={async () => {
              const code = savedRoomCode();
              await logout();
              route(code ? `/scan/${code}` : "/scan");
            }}
          >
            {t("nav.logout")}
          </button>
        </nav>
      ) : null}
      <main id="main" class="screen">
        {props.children}
      </main>
    </>
  );
}
